// The README's pictures: builder + live status, light and dark, at 1280×800.
// `DOCS_SCREENSHOTS=1 npx playwright test screenshots` writes them into docs/; otherwise
// the spec still draws both and keeps them under test-results/ (so it stays green and cheap).
import path from 'node:path';
import { addSteps, createButton, emitEvent, expect, openApp, test } from './fake-fixtures';
import { ROOT } from './mock-bundle';

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshot: builder and live status (${scheme})`, async ({ page, backend }, info) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: scheme });
    // A QR-looking picture (the real one is drawn in Rust).
    backend.on('link_qr', () => {
      let seed = 7;
      const cells: string[] = [];
      for (let y = 0; y < 25; y++)
        for (let x = 0; x < 25; x++) {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          const finder = [[0, 0], [18, 0], [0, 18]].some(([fx, fy]) => x >= fx! && x < fx! + 7 && y >= fy! && y < fy! + 7);
          const on = finder
            ? [[0, 0], [18, 0], [0, 18]].some(([fx, fy]) => {
                const dx = x - fx!;
                const dy = y - fy!;
                return dx >= 0 && dx < 7 && dy >= 0 && dy < 7 && (dx === 0 || dx === 6 || dy === 0 || dy === 6 || (dx > 1 && dx < 5 && dy > 1 && dy < 5));
              })
            : seed % 3 === 0;
          if (on) cells.push(`<rect x="${x + 2}" y="${y + 2}" width="1" height="1"/>`);
        }
      return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><rect width="29" height="29" fill="#fff"/><g fill="#000">${cells.join('')}</g></svg>`;
    });
    await openApp(page);
    await addSteps(page, 'compliance', 'id-verification', 'manage-payouts');
    await page.getByTestId('user-id').fill('0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60');
    await page.getByTestId('reference').fill('TICKET-1042');
    await expect(createButton(page)).toBeEnabled();
    await createButton(page).click();
    await expect(page.getByTestId('qr')).toBeVisible();
    const [flow] = [...backend.flows.values()];
    backend.complete(flow!.id, 'compliance');
    await emitEvent(page, 'flow-watch', backend.watchEvent(flow!.id));
    await expect(page.getByTestId('flow-progress')).toHaveText('1 of 3 steps');
    await page.getByTestId('flow-card').scrollIntoViewIfNeeded();
    const file = process.env.DOCS_SCREENSHOTS
      ? path.join(ROOT, `docs/desk-${scheme}.png`)
      : info.outputPath(`desk-${scheme}.png`);
    await page.screenshot({ path: file });
  });
}
