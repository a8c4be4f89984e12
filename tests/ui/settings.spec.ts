import type { Page } from '@playwright/test';
import { addSteps, createButton, expect, openApp, test } from './fake-fixtures';
import { envView, Rejection } from './fake-backend';

const KEY = 'sk_test_Zq81SECRETvalue4abcd';

async function openSettings(page: Page, envId?: string): Promise<void> {
  await page.getByTestId('open-settings').click();
  await expect(page.getByTestId('settings')).toBeVisible();
  if (envId) {
    await page.getByTestId(`settings-env-${envId}`).click();
    await expect(page.getByTestId('env-details')).toHaveAttribute('data-env-id', envId);
  }
}

test('the API key field is write-only: cleared after save, never in the DOM, only its last 4 shown', async ({
  page,
  backend,
}) => {
  await openApp(page);
  await openSettings(page, 'sandbox');
  const details = page.getByTestId('env-details');
  await expect(details.getByTestId('env-base-url')).toHaveText('https://pls.senddotssandbox.com/api');
  await expect(details.getByTestId('env-host')).toHaveText('pls.senddotssandbox.com');
  await expect(page.getByTestId('credential-status')).toHaveText('No key');

  const input = page.getByTestId('api-key-input');
  await expect(input).toHaveAttribute('type', 'password');
  await expect(input).toHaveAttribute('autocomplete', 'off');
  await expect(input).toHaveValue('');
  await expect(page.getByTestId('save-credentials')).toBeDisabled();

  await page.getByTestId('client-id-input').fill('cid_7f3a');
  await input.fill(KEY);
  // Typed, not yet saved: still no attribute carries it.
  expect(await page.content()).not.toContain(KEY);
  await page.getByTestId('save-credentials').click();

  await expect(page.getByTestId('credential-status')).toHaveText('Configured — client cid_7f3a, key …abcd');
  await expect(input).toHaveValue('');
  expect(backend.callsTo('save_credentials').map((c) => c.args)).toEqual([
    { environmentId: 'sandbox', clientId: 'cid_7f3a', apiKey: KEY },
  ]);
  expect(backend.keys.get('sandbox')?.apiKey).toBe(KEY);
  // Nowhere in the page: not in the markup, not in any input's value, not in the text.
  expect(await page.content()).not.toContain(KEY);
  expect(await page.content()).not.toContain('SECRET');
  const values = await page.locator('input').evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
  expect(values.join('\n')).not.toContain('SECRET');
  // Nothing the backend sent back carries it either (only key_last4).
  expect(JSON.stringify(backend.callsTo('environments'))).not.toContain(KEY);

  // Closed (Escape) and opened again: never pre-filled.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings')).toHaveCount(0);
  await expect(page.getByTestId('open-settings')).toBeFocused();
  await openSettings(page, 'sandbox');
  await expect(page.getByTestId('api-key-input')).toHaveValue('');
  await expect(page.getByTestId('credential-status')).toHaveText('Configured — client cid_7f3a, key …abcd');

  // Delete key.
  await page.getByTestId('delete-credentials').click();
  await expect(page.getByTestId('credential-status')).toHaveText('No key');
  expect(backend.callsTo('delete_credentials').map((c) => c.args)).toEqual([{ environmentId: 'sandbox' }]);
  expect(backend.keys.has('sandbox')).toBe(false);
  await expect(page.getByTestId('delete-credentials')).toBeDisabled();
});

test('a failed save still clears the key field and shows kind and message', async ({ page, backend }) => {
  backend.on('save_credentials', () => {
    throw new Rejection({ kind: 'keychain_locked', message: 'The keyring is locked: unlock it and try again' });
  });
  await openApp(page);
  await openSettings(page, 'production');
  await page.getByTestId('client-id-input').fill('cid_prod');
  await page.getByTestId('api-key-input').fill(KEY);
  await page.getByTestId('save-credentials').click();
  const error = page.getByTestId('settings').getByTestId('error');
  await expect(error).toContainText('keychain_locked');
  await expect(error).toContainText('The keyring is locked: unlock it and try again');
  await expect(page.getByTestId('api-key-input')).toHaveValue('');
  await expect(page.getByTestId('credential-status')).toHaveText('No key');
  expect(await page.content()).not.toContain(KEY);
});

test('test connection shows the report sentence', async ({ page, backend }) => {
  backend.configure('sandbox', 'sk_test_1111', 'cid_1');
  await openApp(page);
  await openSettings(page, 'sandbox');
  await expect(page.getByTestId('credential-status')).toHaveText('Configured — client cid_1, key …1111');
  await page.getByTestId('test-connection').click();
  const result = page.getByTestId('connection-result');
  await expect(result).toHaveText('Connected: Dots accepted the key.');
  await expect(result).toHaveAttribute('data-ok', 'true');
  expect(backend.callsTo('test_connection').map((c) => c.args)).toEqual([{ environmentId: 'sandbox' }]);

  backend.connection = { ok: false, kind: 'unauthorized', sentence: 'Dots did not accept the key (401): check it.' };
  await page.getByTestId('test-connection').click();
  await expect(result).toContainText('unauthorized');
  await expect(result).toContainText('Dots did not accept the key (401): check it.');
  await expect(result).toHaveAttribute('data-ok', 'false');
});

test('the Local sandbox needs no key', async ({ page }) => {
  await openApp(page);
  await openSettings(page);
  // Opens on the active environment.
  await expect(page.getByTestId('env-details')).toHaveAttribute('data-env-id', 'local');
  await expect(page.getByTestId('no-key-needed')).toContainText('The Local sandbox needs no key');
  await expect(page.getByTestId('api-key-input')).toHaveCount(0);
  await expect(page.getByTestId('env-url-input')).toHaveCount(0);
  await expect(page.getByTestId('remove-environment')).toHaveCount(0);
  await expect(page.getByTestId('settings-env-local')).toContainText('No key needed');
});

test('an unavailable keychain is shown clearly, and the Local sandbox still creates', async ({ page, backend }) => {
  backend.keychain = {
    available: false,
    message: 'No Secret Service on this session: start gnome-keyring or KWallet, then reopen Flow Desk.',
  };
  await openApp(page);
  const warning = page.getByTestId('keychain-warning');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('No Secret Service on this session: start gnome-keyring or KWallet');
  await expect(warning).toContainText('The Local sandbox still works');

  await addSteps(page, 'compliance');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(backend.callsTo('create_flow')[0]!.args).toMatchObject({ environmentId: 'local' });

  // Per environment, the keychain's error is there too.
  await openSettings(page, 'sandbox');
  await expect(page.getByTestId('settings').getByTestId('error-kind')).toHaveText('keychain_unavailable');
});

test('the settings notice is shown once and can be dismissed', async ({ page, backend }) => {
  backend.notice = 'The settings file could not be read; it was kept as settings.json.corrupt-1764064800 and defaults are used.';
  await openApp(page);
  const notice = page.getByTestId('settings-notice');
  await expect(notice).toContainText('settings.json.corrupt-1764064800');
  // Other replies do not bring it back or remove it.
  await page.getByTestId('env-option-sandbox').click();
  await expect(page.getByTestId('env-badge')).toHaveText('Sandbox');
  await expect(notice).toBeVisible();
  await page.getByTestId('dismiss-notice').click();
  await expect(notice).toHaveCount(0);
  await page.getByTestId('env-option-local').click();
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  await expect(notice).toHaveCount(0);
  // The backend says it once: a reload does not show it again.
  await page.reload();
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  await expect(notice).toHaveCount(0);
});

test('adding an environment: name, https base URL, production mark', async ({ page, backend }) => {
  await openApp(page);
  await openSettings(page);
  await page.getByTestId('new-env-name').fill('Payroll Live');
  await page.getByTestId('new-env-url').fill('http://payroll.example.com/api');
  await page.getByTestId('new-env-production').check();
  await page.getByTestId('add-environment').click();
  const form = page.getByTestId('add-env-form');
  await expect(form.getByTestId('error-kind')).toHaveText('invalid');
  await expect(form.getByTestId('error-message')).toHaveText('The base URL must use https://');

  await page.getByTestId('new-env-url').fill('https://payroll.example.com/api');
  await page.getByTestId('add-environment').click();
  await expect(page.getByTestId('settings-env-payroll-live')).toBeVisible();
  expect(backend.callsTo('add_environment').map((c) => c.args)).toEqual([
    { environment: { name: 'Payroll Live', base_url: 'http://payroll.example.com/api', app_id: null, production: true } },
    { environment: { name: 'Payroll Live', base_url: 'https://payroll.example.com/api', app_id: null, production: true } },
  ]);
  // The new one is selected, shown as production, and the form is empty again.
  const details = page.getByTestId('env-details');
  await expect(details).toHaveAttribute('data-env-id', 'payroll-live');
  await expect(details.getByTestId('env-is-production')).toHaveText('Yes (marked as production)');
  await expect(page.getByTestId('env-production-mark')).toBeChecked();
  await expect(page.getByTestId('new-env-name')).toHaveValue('');
  await expect(page.getByTestId('credential-status')).toHaveText('No key');

  // In the switcher too; choosing it raises the banner. (A click beside the drawer closes it.)
  await page.getByTestId('settings-backdrop').click({ position: { x: 10, y: 300 } });
  await expect(page.getByTestId('settings')).toHaveCount(0);
  await page.getByTestId('env-option-payroll-live').click();
  await expect(page.getByTestId('prod-banner')).toBeVisible();
});

test('changing the base URL host unbinds the key: the UI asks for it again', async ({ page, backend }) => {
  backend.addEnvironment(envView('staging', 'Staging', 'https://staging.example.com/api'), 'sk_test_5678');
  await openApp(page);
  await openSettings(page, 'staging');
  await expect(page.getByTestId('credential-status')).toHaveText('Configured — client cid_test, key …5678');
  await page.getByTestId('env-url-input').fill('https://staging2.example.com/api');
  await page.getByTestId('save-environment').click();
  await expect(page.getByTestId('key-unbound')).toHaveText('The key was removed: re-enter it for the new host.');
  await expect(page.getByTestId('credential-status')).toHaveText('No key');
  await expect(page.getByTestId('env-host')).toHaveText('staging2.example.com');
  expect(backend.callsTo('update_environment').map((c) => c.args)).toEqual([
    { id: 'staging', change: { name: null, base_url: 'https://staging2.example.com/api', app_id: null, production: null } },
  ]);
});

test('the production mark toggles is_production, and built-ins cannot be removed', async ({ page, backend }) => {
  backend.addEnvironment(envView('staging', 'Staging', 'https://staging.example.com/api'));
  backend.active = 'staging';
  await openApp(page);
  await expect(page.getByTestId('prod-banner')).toHaveCount(0);
  await openSettings(page, 'staging');
  await page.getByTestId('env-production-mark').check();
  await expect(page.getByTestId('env-is-production')).toHaveText('Yes (marked as production)');
  await expect(page.getByTestId('prod-banner')).toBeVisible();
  expect(backend.callsTo('update_environment').map((c) => c.args)).toEqual([
    { id: 'staging', change: { name: null, base_url: null, app_id: null, production: true } },
  ]);
  await page.getByTestId('env-production-mark').uncheck();
  await expect(page.getByTestId('prod-banner')).toHaveCount(0);

  // Built-ins: no remove button. Production is production by its host, unmarked.
  await page.getByTestId('settings-env-production').click();
  await expect(page.getByTestId('env-is-production')).toHaveText("Yes (api.dots.dev is Dots' production API)");
  await expect(page.getByTestId('env-production-mark')).not.toBeChecked();
  await expect(page.getByTestId('remove-environment')).toHaveCount(0);

  // A user's own: removed after a second click; the active one falls back to local.
  await page.getByTestId('settings-env-staging').click();
  await page.getByTestId('remove-environment').click();
  await page.getByTestId('confirm-remove').click();
  await expect(page.getByTestId('settings-env-staging')).toHaveCount(0);
  await expect(page.getByTestId('env-option-staging')).toHaveCount(0);
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  expect(backend.callsTo('remove_environment').map((c) => c.args)).toEqual([{ id: 'staging' }]);
});

test('renaming and the app id are sent as a change, the rest left as is', async ({ page, backend }) => {
  await openApp(page);
  await openSettings(page, 'sandbox');
  await expect(page.getByTestId('save-environment')).toBeDisabled();
  await page.getByTestId('env-name-input').fill('Dots sandbox');
  await page.getByTestId('env-app-id-input').fill('app_42');
  await page.getByTestId('save-environment').click();
  await expect(page.getByTestId('settings-env-sandbox')).toContainText('Dots sandbox');
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  await expect(page.getByTestId('env-option-sandbox')).toHaveText('Dots sandbox');
  expect(backend.callsTo('update_environment').map((c) => c.args)).toEqual([
    { id: 'sandbox', change: { name: 'Dots sandbox', base_url: null, app_id: 'app_42', production: null } },
  ]);
  await expect(page.getByTestId('key-unbound')).toHaveCount(0);
});
