// The README's picture of the command palette, from the built UI at 1280×800.
// `DOCS_SCREENSHOTS=1 npx playwright test palette-picture` writes docs/palette.png;
// otherwise the picture goes under test-results/ (the spec still checks what it shows).
import path from 'node:path';
import { addSteps, createButton, expect, openApp, test } from './fixtures';
import { ROOT } from './mock-bundle';

test('screenshot: the command palette finding a flow by its reference', async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  await addSteps(page, 'compliance', 'id-verification');
  await page.getByTestId('reference').fill('TICKET-1042');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('ticket');
  await expect(page.locator('[data-testid^="palette-item-flow-"]')).toHaveCount(1);
  const file = process.env.DOCS_SCREENSHOTS ? path.join(ROOT, 'docs', 'palette.png') : info.outputPath('palette.png');
  await page.screenshot({ path: file });
});
