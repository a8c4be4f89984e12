// The README's pictures: builder + live status, light and dark, at 1280×800.
// `DOCS_SCREENSHOTS=1 npx playwright test screenshots` writes them into docs/; otherwise
// the spec still draws both and keeps them under test-results/ (so it stays green and cheap).
import path from 'node:path';
import { addSteps, createButton, expect, openApp, test } from './fixtures';
import { ROOT } from './mock-bundle';

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshot: builder and live status (${scheme})`, async ({ page, core }, info) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: scheme });
    const user = '0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60';
    await core.sandbox.seedUser({ id: user, first_name: 'Ana', last_name: 'Diaz' });
    await openApp(page);
    await addSteps(page, 'compliance', 'id-verification', 'manage-payouts');
    await page.getByTestId('user-id').fill(user);
    await page.getByTestId('reference').fill('TICKET-1042');
    await expect(createButton(page)).toBeEnabled();
    await createButton(page).click();
    await expect(page.getByTestId('qr')).toBeVisible();
    await core.sandbox.complete((await page.getByTestId('flow-id').textContent())!, 'compliance');
    await page.getByTestId('refresh-flow').click();
    await expect(page.getByTestId('flow-progress')).toHaveText('1 of 3 steps');
    await page.getByTestId('flow-card').scrollIntoViewIfNeeded();
    const file = process.env.DOCS_SCREENSHOTS
      ? path.join(ROOT, `docs/desk-${scheme}.png`)
      : info.outputPath(`desk-${scheme}.png`);
    await page.screenshot({ path: file });
  });
}
