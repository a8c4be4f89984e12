import type { Page } from '@playwright/test';
import type { EnvironmentsView } from '../../ui/src/bindings/EnvironmentsView';
import type { Core } from './core';
import { addSteps, createButton, expect, openApp, test } from './fixtures';

/** The credential status the core reports for an environment. */
async function credential(core: Core, id: string) {
  const view = await core.invoke<EnvironmentsView>('environments');
  return view.environments.find((e) => e.environment.id === id)?.credential;
}

async function addStaging(core: Core, url = 'https://staging.example.com/api'): Promise<void> {
  await core.invoke('add_environment', { environment: { name: 'Staging', base_url: url, app_id: null, production: false } });
}

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
  core,
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
  expect(core.callsTo('save_credentials').map((c) => c.args)).toEqual([
    { environmentId: 'sandbox', clientId: 'cid_7f3a', apiKey: KEY },
  ]);
  expect(await credential(core, 'sandbox')).toEqual({ configured: true, client_id: 'cid_7f3a', key_last4: 'abcd' });
  // Nowhere in the page: not in the markup, not in any input's value, not in the text.
  expect(await page.content()).not.toContain(KEY);
  expect(await page.content()).not.toContain('SECRET');
  const values = await page.locator('input').evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
  expect(values.join('\n')).not.toContain('SECRET');
  // Nothing the core sent back carries it either (only key_last4).
  const replies = core.calls.map((c) => JSON.stringify(c.reply ?? null));
  expect(replies.length).toBeGreaterThan(3);
  expect(replies.join('\n')).not.toContain(KEY);
  expect(replies.join('\n')).not.toContain('SECRET');

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
  expect(core.callsTo('delete_credentials').map((c) => c.args)).toEqual([{ environmentId: 'sandbox' }]);
  expect((await credential(core, 'sandbox'))?.configured).toBe(false);
  await expect(page.getByTestId('delete-credentials')).toBeDisabled();
});

test('a failed save still clears the key field and shows kind and message', async ({ page, core }) => {
  await addStaging(core);
  await openApp(page);
  await openSettings(page, 'staging');
  // Another window (or the CLI) removes it before the save.
  await core.invoke('remove_environment', { id: 'staging' });
  await page.getByTestId('client-id-input').fill('cid_prod');
  await page.getByTestId('api-key-input').fill(KEY);
  await page.getByTestId('save-credentials').click();
  const error = page.getByTestId('settings').getByTestId('error');
  await expect(error).toContainText('not_found');
  await expect(error).toContainText('There is no environment "staging"');
  await expect(page.getByTestId('api-key-input')).toHaveValue('');
  await expect(page.getByTestId('credential-status')).toHaveText('No key');
  expect(await page.content()).not.toContain(KEY);
});

test('test connection shows the report sentence', async ({ page, core }) => {
  // Sandbox served by the test's local sandbox, with its key.
  await core.pointAtSandbox('sandbox');
  const { clientId, apiKey } = core.sandbox.credentials;
  await openApp(page);
  await openSettings(page, 'sandbox');
  await expect(page.getByTestId('credential-status')).toHaveText(`Configured — client ${clientId}, key …${apiKey.slice(-4)}`);
  await page.getByTestId('test-connection').click();
  const result = page.getByTestId('connection-result');
  await expect(result).toHaveText('Connected to 127.0.0.1: these credentials work.');
  await expect(result).toHaveAttribute('data-ok', 'true');
  expect(core.callsTo('test_connection').map((c) => c.args)).toEqual([{ environmentId: 'sandbox' }]);

  // Dots refuses the key on the next request.
  await core.sandbox.fault({ fault: { kind: 'status', status: 401 } });
  await page.getByTestId('test-connection').click();
  await expect(result).toContainText('unauthorized');
  await expect(result).toContainText('127.0.0.1 did not accept the client id or key.');
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

test.describe('with no keychain on the session', () => {
  test.use({ hostOptions: { keychain: 'absent' } });
  test('an unavailable keychain is shown clearly, and the Local sandbox still creates', async ({ page, core }) => {
    await openApp(page);
    const keychain = (await core.invoke<EnvironmentsView>('environments')).keychain;
    expect(keychain.available).toBe(false);
    const warning = page.getByTestId('keychain-warning');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText(keychain.message!);
    await expect(warning).toContainText('The Local sandbox still works');

    await addSteps(page, 'compliance');
    await createButton(page).click();
    await expect(page.getByTestId('flow-card')).toBeVisible();
    expect(core.callsTo('create_flow')[0]!.args).toMatchObject({ environmentId: 'local' });

    // Per environment: it says why, and a save is refused by the core (no fallback store).
    await openSettings(page, 'sandbox');
    await expect(page.getByTestId('credential-status')).toHaveText('No key');
    await expect(page.getByTestId('settings')).toContainText('not available right now');
    await page.getByTestId('client-id-input').fill('cid_1');
    await page.getByTestId('api-key-input').fill(KEY);
    await page.getByTestId('save-credentials').click();
    await expect(page.getByTestId('settings').getByTestId('error-kind')).toHaveText('keychain_unavailable');
    await expect(page.getByTestId('api-key-input')).toHaveValue('');
    await expect(page.getByTestId('credential-status')).toHaveText('No key');
  });
});

test.describe('with a settings file an earlier run left unreadable', () => {
  test.use({ hostOptions: { files: { 'settings.json': '{"version": 1, "environments": [' } } });
  test('the settings notice is shown once and can be dismissed', async ({ page }) => {
    await openApp(page);
    const notice = page.getByTestId('settings-notice');
    await expect(notice).toContainText('settings.json.corrupt-');
    // Other replies do not bring it back or remove it.
    await page.getByTestId('env-option-sandbox').click();
    await expect(page.getByTestId('env-badge')).toHaveText('Sandbox');
    await expect(notice).toBeVisible();
    await page.getByTestId('dismiss-notice').click();
    await expect(notice).toHaveCount(0);
    await page.getByTestId('env-option-local').click();
    await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
    await expect(notice).toHaveCount(0);
    // The core says it once: a reload does not show it again.
    await page.reload();
    await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
    await expect(notice).toHaveCount(0);
  });
});

test('adding an environment: name, https base URL, production mark', async ({ page, core }) => {
  await openApp(page);
  await openSettings(page);
  await page.getByTestId('new-env-name').fill('Payroll Live');
  await page.getByTestId('new-env-url').fill('http://payroll.example.com/api');
  await page.getByTestId('new-env-production').check();
  await page.getByTestId('add-environment').click();
  const form = page.getByTestId('add-env-form');
  await expect(form.getByTestId('error-kind')).toHaveText('invalid');
  await expect(form.getByTestId('error-message')).toHaveText(
    'The base URL must use https:// (plain http is only allowed for 127.0.0.1, ::1 and localhost)',
  );

  await page.getByTestId('new-env-url').fill('https://payroll.example.com/api');
  await page.getByTestId('add-environment').click();
  await expect(page.getByTestId('settings-env-payroll-live')).toBeVisible();
  expect(core.callsTo('add_environment').map((c) => c.args)).toEqual([
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

test('changing the base URL host unbinds the key: the UI asks for it again', async ({ page, core }) => {
  await addStaging(core);
  await core.invoke('save_credentials', { environmentId: 'staging', clientId: 'cid_test', apiKey: 'sk_test_5678' });
  await openApp(page);
  await openSettings(page, 'staging');
  await expect(page.getByTestId('credential-status')).toHaveText('Configured — client cid_test, key …5678');
  await page.getByTestId('env-url-input').fill('https://staging2.example.com/api');
  await page.getByTestId('save-environment').click();
  await expect(page.getByTestId('key-unbound')).toHaveText('The key was removed: re-enter it for the new host.');
  await expect(page.getByTestId('credential-status')).toHaveText('No key');
  await expect(page.getByTestId('env-host')).toHaveText('staging2.example.com');
  expect(core.callsTo('update_environment').map((c) => c.args)).toEqual([
    { id: 'staging', change: { name: null, base_url: 'https://staging2.example.com/api', app_id: null, production: null } },
  ]);
  expect((await credential(core, 'staging'))?.configured).toBe(false);
});

test('the production mark toggles is_production, and built-ins cannot be removed', async ({ page, core }) => {
  await addStaging(core);
  await core.invoke('set_active_environment', { id: 'staging' });
  await openApp(page);
  await expect(page.getByTestId('prod-banner')).toHaveCount(0);
  await openSettings(page, 'staging');
  await page.getByTestId('env-production-mark').check();
  await expect(page.getByTestId('env-is-production')).toHaveText('Yes (marked as production)');
  await expect(page.getByTestId('prod-banner')).toBeVisible();
  expect(core.callsTo('update_environment').map((c) => c.args)).toEqual([
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
  expect(core.callsTo('remove_environment').map((c) => c.args)).toEqual([{ id: 'staging' }]);
});

test('renaming and the app id are sent as a change, the rest left as is', async ({ page, core }) => {
  await openApp(page);
  await openSettings(page, 'sandbox');
  await expect(page.getByTestId('save-environment')).toBeDisabled();
  await page.getByTestId('env-name-input').fill('Dots sandbox');
  await page.getByTestId('env-app-id-input').fill('app_42');
  await page.getByTestId('save-environment').click();
  await expect(page.getByTestId('settings-env-sandbox')).toContainText('Dots sandbox');
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  await expect(page.getByTestId('env-option-sandbox')).toHaveText('Dots sandbox');
  expect(core.callsTo('update_environment').map((c) => c.args)).toEqual([
    { id: 'sandbox', change: { name: 'Dots sandbox', base_url: null, app_id: 'app_42', production: null } },
  ]);
  await expect(page.getByTestId('key-unbound')).toHaveCount(0);
});
