// Accessibility: axe on every screen and every dialog, in the light and the dark scheme.
// A serious or critical violation fails the test, with axe's own words for what and where.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

const SCREENS = ['builder', 'history', 'remote', 'bulk', 'users', 'money', 'audit', 'webhooks'] as const;
const SCHEMES = ['light', 'dark'] as const;

/** The serious and critical violations on the page (or inside `include`), one line each. */
async function violations(page: Page, include?: string): Promise<string[]> {
  let axe = new AxeBuilder({ page });
  if (include) axe = axe.include(include);
  const { violations: found } = await axe.analyze();
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Money → a payout link of $5 reviewed: the confirmation dialog is open. */
async function reviewPayout(page: Page): Promise<void> {
  await page.getByTestId('open-money').click();
  await page.getByTestId('payout-amount').fill('5');
  await page.getByTestId('payout-review').click();
  await expect(page.getByTestId('money-confirm-dialog')).toBeVisible();
}

for (const scheme of SCHEMES) {
  test.describe(`${scheme} scheme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
    });

    for (const screen of SCREENS) {
      test(`the ${screen} screen has no serious or critical axe violation`, async ({ page }) => {
        await openApp(page);
        await page.getByTestId(`open-${screen}`).click();
        await expect(page.getByTestId(`open-${screen}`)).toHaveAttribute('aria-pressed', 'true');
        // Wait for the screen's first read (its loading line gone).
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        expect(await violations(page)).toEqual([]);
      });
    }

    test('the settings drawer has no serious or critical axe violation', async ({ page }) => {
      await openApp(page);
      await page.getByTestId('open-settings').click();
      await expect(page.getByTestId('settings')).toBeVisible();
      expect(await violations(page, '[data-testid="settings"]')).toEqual([]);
      // A key-holding environment shows the key form too.
      await page.getByTestId('settings-env-sandbox').click();
      await expect(page.getByTestId('credentials-form')).toBeVisible();
      expect(await violations(page, '[data-testid="settings"]')).toEqual([]);
    });

    test('the money confirmation and the cancel question have no serious or critical axe violation', async ({ page }) => {
      await openApp(page);
      await reviewPayout(page);
      expect(await violations(page, '[data-testid="money-confirm-dialog"]')).toEqual([]);
      await page.getByTestId('money-confirm').click();
      await expect(page.getByTestId('payout-link-card')).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.getByTestId('payout-link-cancel').click();
      await expect(page.getByTestId('payout-link-cancel-ask')).toBeVisible();
      expect(await violations(page, '[data-testid="payout-link-cancel-ask"]')).toEqual([]);
    });

    test('the users wallet form and the Production typed-amount dialog have no serious or critical axe violation', async ({ page, core }) => {
      // Production served by the local sandbox, with a user to fund in it.
      await core.sandbox.setAppBalance(10_000_000);
      const user = await core.sandbox.seedUser({ first_name: 'Ana', last_name: 'Diaz', email: 'ana@example.com', status: 'verified' });
      await core.pointAtSandbox('production', true);
      await core.invoke('set_active_environment', { id: 'production' });
      await openApp(page);
      await page.getByTestId('open-users').click();
      await page.getByTestId('user-id-input').fill(user.id);
      await page.getByTestId('user-open').click();
      await expect(page.getByTestId('user-detail')).toHaveAttribute('data-user-id', user.id);
      await page.getByTestId('user-fund').click();
      await page.getByTestId('fund-amount').fill('40');
      await expect(page.getByTestId('fund-direction')).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.getByTestId('fund-review').click();
      await expect(page.getByTestId('money-typed-amount')).toBeVisible();
      expect(await violations(page, '[data-testid="money-confirm-dialog"]')).toEqual([]);
      // A typed amount that differs: the refusal is checked too.
      await page.getByTestId('money-typed-amount').fill('400');
      await page.getByTestId('money-confirm').click();
      await expect(page.getByTestId('error-kind')).toHaveText('confirmation_mismatch');
      expect(await violations(page)).toEqual([]);
    });

    test('a created flow card has no serious or critical axe violation', async ({ page }) => {
      await openApp(page);
      await page.getByTestId('catalog-compliance').click();
      await expect(page.getByTestId('create-flow')).toBeEnabled();
      await page.getByTestId('create-flow').click();
      await expect(page.getByTestId('flow-card')).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });
  });
}

test('the environment switch is a radio group: one tab stop, arrow keys move and switch', async ({ page }) => {
  await openApp(page);
  const group = page.getByRole('radiogroup', { name: 'Environment' });
  const radios = group.getByRole('radio');
  await expect(radios).toHaveCount(3);
  await expect(group.locator('[role="radio"][tabindex="0"]')).toHaveCount(1);
  const checked = group.locator('[role="radio"][aria-checked="true"]');
  await checked.focus();
  const first = await checked.getAttribute('data-testid');
  await page.keyboard.press('ArrowRight');
  await expect(group.locator('[role="radio"][aria-checked="true"]')).not.toHaveAttribute('data-testid', first ?? '');
  // The focus moved with the choice, and it is still the one tab stop.
  const now = group.locator('[role="radio"][aria-checked="true"]');
  await expect(now).toBeFocused();
  await expect(now).toHaveAttribute('tabindex', '0');
  await page.keyboard.press('ArrowLeft');
  await expect(group.locator('[role="radio"][aria-checked="true"]')).toHaveAttribute('data-testid', first ?? '');
});

for (const scheme of SCHEMES) {
  test(`every control reached with Tab shows a focus ring (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openApp(page);
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return 'body';
        const s = getComputedStyle(el);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? 'ok' : `${el.outerHTML.slice(0, 80)}`;
      });
      expect(ring).not.toMatch(/^</);
    }
  });
}

for (const scheme of SCHEMES) {
  test(`the command palette and the shortcuts list have no serious or critical axe violation (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openApp(page);
    await page.keyboard.press('Control+k');
    await expect(page.getByTestId('command-palette')).toBeVisible();
    await page.keyboard.type('go');
    expect(await violations(page, '[data-testid="command-palette"]')).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('open-builder').focus();
    await page.keyboard.press('Shift+?');
    await expect(page.getByTestId('shortcuts-help')).toBeVisible();
    expect(await violations(page, '[data-testid="shortcuts-help"]')).toEqual([]);
  });
}
