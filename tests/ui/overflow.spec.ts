// Nothing runs off the window's right edge: at a small and a large window size, on every
// screen and in the settings drawer, the page does not scroll sideways and no visible
// element's right edge passes the viewport.
import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 },
] as const;
const SCREENS = ['builder', 'history', 'remote', 'bulk', 'users', 'money', 'audit', 'webhooks'] as const;

/** What overflows: the page's sideways scroll, and each visible element past the right edge. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.scrollingElement as HTMLElement;
    if (root.scrollWidth > root.clientWidth) found.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
    const edge = document.documentElement.clientWidth;
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      // Inside a box that scrolls or clips on its own (a table wrapper), the box is what counts.
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') {
          clipped = true;
          break;
        }
      }
      if (!clipped && box.right > edge + 0.5) {
        const id = el.getAttribute('data-testid') ?? el.className ?? '';
        found.push(`${el.tagName.toLowerCase()}${id ? ` [${id}]` : ''} ends at ${Math.round(box.right)} > ${edge}`);
      }
    }
    return found;
  });
}

for (const size of SIZES) {
  test.describe(`${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    for (const screen of SCREENS) {
      test(`the ${screen} screen fits the window's width`, async ({ page }) => {
        await openApp(page);
        await page.getByTestId(`open-${screen}`).click();
        await expect(page.getByTestId(`open-${screen}`)).toHaveAttribute('aria-pressed', 'true');
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        expect(await overflow(page)).toEqual([]);
      });
    }

    test('the settings drawer fits the window\'s width', async ({ page }) => {
      await openApp(page);
      await page.getByTestId('open-settings').click();
      await expect(page.getByTestId('settings')).toBeVisible();
      expect(await overflow(page)).toEqual([]);
      await page.getByTestId('settings-env-sandbox').click();
      await expect(page.getByTestId('credentials-form')).toBeVisible();
      expect(await overflow(page)).toEqual([]);
    });

    test('a created flow card fits the window\'s width', async ({ page }) => {
      await openApp(page);
      await page.getByTestId('catalog-compliance').click();
      await expect(page.getByTestId('create-flow')).toBeEnabled();
      await page.getByTestId('create-flow').click();
      await expect(page.getByTestId('flow-card')).toBeVisible();
      expect(await overflow(page)).toEqual([]);
    });
  });
}
