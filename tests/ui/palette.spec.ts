// The command palette (Ctrl/Cmd+K) and the shortcuts list (?), used from the keyboard.
import type { Page } from '@playwright/test';
import { addSteps, createButton, expect, listedSteps, openApp, test } from './fixtures';

async function openPalette(page: Page): Promise<void> {
  await page.keyboard.press('Control+k');
  await expect(page.getByTestId('command-palette')).toBeVisible();
  await expect(page.getByTestId('palette-input')).toBeFocused();
}

test('Ctrl+K jumps to a screen, and Escape closes it where the focus was', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('open-history').focus();
  await openPalette(page);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
  await expect(page.getByTestId('open-history')).toBeFocused();

  await openPalette(page);
  await page.keyboard.type('go money');
  await expect(page.getByTestId('command-palette').getByRole('option')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
  await expect(page.getByTestId('open-money')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('money-view')).toBeVisible();
});

test('arrow keys pick among the matches, and a field does not stop Ctrl+K', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('reference').focus();
  await openPalette(page);
  await page.keyboard.type('go to');
  const options = page.getByTestId('command-palette').getByRole('option');
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('palette-input')).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id')) ?? '');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('open-history')).toHaveAttribute('aria-pressed', 'true');
});

test('the palette switches the environment', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('env-option-local')).toHaveAttribute('aria-checked', 'true');
  await openPalette(page);
  await page.keyboard.type('switch to sandbox');
  await expect(page.getByTestId('palette-item-env-sandbox')).toBeVisible();
  // The active environment is not offered.
  await expect(page.getByTestId('palette-item-env-local')).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('env-option-sandbox')).toHaveAttribute('aria-checked', 'true');
});

test('the palette starts a new flow from a saved template', async ({ page }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'payout');
  await page.getByTestId('template-name').fill('Tax and pay');
  await page.getByTestId('template-save').click();
  await expect(page.getByTestId('template-select')).toHaveValue('Tax and pay');
  await page.getByTestId('remove-payout').click();
  await page.getByTestId('remove-compliance').click();
  expect(await listedSteps(page)).toEqual([]);
  await page.getByTestId('open-users').click();

  await openPalette(page);
  await page.keyboard.type('tax and pay');
  await expect(page.getByTestId('palette-item-template-Tax and pay')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('open-builder')).toHaveAttribute('aria-pressed', 'true');
  expect(await listedSteps(page)).toEqual(['compliance', 'payout']);
});

test('the palette finds a flow in History by its reference and opens its card', async ({ page }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await page.getByTestId('reference').fill('ticket-4711');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const id = await page.getByTestId('flow-id').textContent();
  await page.getByTestId('open-audit').click();

  await openPalette(page);
  await page.keyboard.type('ticket-4711');
  const found = page.locator('[data-testid^="palette-item-flow-"]');
  await expect(found).toHaveCount(1);
  await expect(found).toContainText('ticket-4711');
  await page.keyboard.press('ArrowDown');
  await expect(found).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('open-builder')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('flow-id')).toHaveText(id ?? '');

  // Nothing in History matches: the palette says so.
  await openPalette(page);
  await page.keyboard.type('no-such-flow-xyz');
  await expect(page.getByTestId('palette-empty')).toContainText('Nothing matches');
});

test('"?" lists the shortcuts, but not while typing in a field', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('reference').fill('');
  await page.getByTestId('reference').press('Shift+?');
  await expect(page.getByTestId('reference')).toHaveValue('?');
  await expect(page.getByTestId('shortcuts-help')).toHaveCount(0);

  await page.getByTestId('open-builder').focus();
  await page.keyboard.press('Shift+?');
  const help = page.getByTestId('shortcuts-help');
  await expect(help).toBeVisible();
  await expect(help).toContainText('Command palette');
  await expect(help).toContainText('Create the flow');
  await expect(page.getByTestId('close-shortcuts')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(page.getByTestId('open-builder')).toBeFocused();
});

test('"Send an onboarding link" creates a flow with no steps and no user id', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'payout');
  await page.getByTestId('user-id').fill('not-sent');
  await page.getByTestId('send-onboarding').click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(core.lastRequest('create_flow')).toEqual({ steps: [] });
  // The draft is left as it was.
  expect(await listedSteps(page)).toEqual(['payout']);
});
