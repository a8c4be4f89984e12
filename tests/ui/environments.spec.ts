import type { Page } from '@playwright/test';
import type { Ask } from '../../ui/src/bindings/Ask';
import type { FlowView } from '../../ui/src/bindings/FlowView';
import type { Core } from './core';
import { addSteps, createButton, expect, openApp, refreshUnlessFinished, test } from './fixtures';

async function switchTo(page: Page, id: string): Promise<void> {
  await page.getByTestId(`env-option-${id}`).click();
  await expect(page.getByTestId(`env-option-${id}`)).toHaveAttribute('aria-checked', 'true');
}

/** What the native dialog was asked, in short. */
async function asked(core: Core): Promise<Array<Pick<Ask, 'action' | 'environment_name' | 'host'>>> {
  return (await core.host.asked()).map(({ action, environment_name, host }) => ({ action, environment_name, host }));
}

/** The flows Dots (the local sandbox) holds. */
async function flowsInDots(core: Core): Promise<string[]> {
  const page = await core.invoke<{ data: Array<{ flow: { id: string } }> }>('list_remote_flows', { environmentId: 'local', params: { limit: 100 } });
  return page.data.map((v) => v.flow.id);
}

test('the switcher changes the active environment in one click, and create uses it', async ({ page, core }) => {
  await core.pointAtSandbox('sandbox');
  await openApp(page);
  const badge = page.getByTestId('env-badge');
  await expect(badge).toHaveText('Local sandbox');
  const options = page.getByTestId('env-switch').locator('[data-testid^="env-option-"]');
  await expect(options).toHaveText(['Local sandbox', 'Sandbox', 'Production']);
  await expect(page.getByTestId('env-option-local')).toHaveAttribute('aria-checked', 'true');

  await page.getByTestId('env-option-sandbox').click();
  await expect(badge).toHaveText('Sandbox');
  await expect(badge).toHaveAttribute('title', `Requests go to ${core.sandbox.origin}/api`);
  await expect(page.getByTestId('env-option-sandbox')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('env-option-local')).toHaveAttribute('aria-checked', 'false');
  expect(core.callsTo('set_active_environment').map((c) => c.args)).toEqual([{ id: 'sandbox' }]);
  await expect(page.getByTestId('prod-banner')).toHaveCount(0);

  // Not production: no question, the new environment's id.
  await addSteps(page, 'compliance');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(await asked(core)).toEqual([]);
  const [call] = core.callsTo('create_flow');
  expect(call!.args).toMatchObject({ environmentId: 'sandbox' });
  await expect(page.getByTestId('flow-env')).toHaveText('Sandbox');

  // And back: the next create goes to the Local sandbox.
  await switchTo(page, 'local');
  await expect(badge).toHaveText('Local sandbox');
  await createButton(page).click();
  await expect.poll(() => core.callsTo('create_flow').length).toBe(2);
  expect(core.callsTo('create_flow')[1]!.args).toMatchObject({ environmentId: 'local' });
  await expect(page.getByTestId('flow-env')).toHaveText('Local sandbox');
  expect(await flowsInDots(core)).toHaveLength(2);
});

test('the production banner follows is_production, never the name', async ({ page, core }) => {
  // Marked production on its own host; and one merely *named* like production.
  await core.invoke('add_environment', { environment: { name: 'Payroll Live', base_url: 'https://payroll.example.com/api', app_id: null, production: true } });
  await core.invoke('add_environment', { environment: { name: 'Production Copy', base_url: 'https://staging.example.com/api', app_id: null, production: false } });
  // Named "Test", pointing at Dots' production host: production all the same.
  await core.invoke('add_environment', { environment: { name: 'Test', base_url: 'https://api.dots.dev/api', app_id: null, production: false } });
  await openApp(page);
  await addSteps(page, 'compliance');
  const banner = page.getByTestId('prod-banner');
  await expect(banner).toHaveCount(0);
  await expect(createButton(page)).not.toHaveClass(/primary--danger/);

  await switchTo(page, 'production');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('PRODUCTION — flows you create here reach real people');
  await expect(banner).toContainText('api.dots.dev');
  await expect(createButton(page)).toHaveClass(/primary--danger/);
  await expect(page.getByTestId('env-badge')).toHaveClass(/env-badge--live/);
  // Full width, across the window.
  const box = await banner.boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(page.viewportSize()!.width - 1);

  await switchTo(page, 'production-copy');
  await expect(page.getByTestId('env-badge')).toHaveText('Production Copy');
  await expect(banner).toHaveCount(0);
  await expect(createButton(page)).not.toHaveClass(/primary--danger/);

  await switchTo(page, 'payroll-live');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Payroll Live');
  await expect(createButton(page)).toHaveClass(/primary--danger/);

  await switchTo(page, 'test');
  await expect(banner).toBeVisible();

  await switchTo(page, 'sandbox');
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('env-option-payroll-live')).toHaveAttribute('data-production', 'true');
  await expect(page.getByTestId('env-option-production-copy')).toHaveAttribute('data-production', 'false');
});

test("creating in Production is confirmed in the app's own dialog: a no sends nothing, a yes creates", async ({ page, core }) => {
  // Production served by the local sandbox: marked, since its host is no longer Dots'.
  await core.pointAtSandbox('production', true);
  await core.invoke('set_active_environment', { id: 'production' });
  // (Re-pointing Production is itself confirmed: only the questions from here on count.)
  const before = (await asked(core)).length;
  await openApp(page);
  await expect(page.getByTestId('prod-banner')).toBeVisible();
  await addSteps(page, 'compliance', 'payout');
  await expect(createButton(page)).toBeEnabled();

  // The question is the app's (a native dialog from Rust), never the page's: the page cannot
  // answer it, and sends no confirmation of its own.
  await core.host.answerNext(false);
  await createButton(page).click();
  await expect(page.getByTestId('error-kind')).toHaveText('confirmation_required');
  await expect(page.getByTestId('error-message')).toHaveText('Create a flow in Production was not confirmed: nothing was sent.');
  await expect(page.getByTestId('flow-card')).toHaveCount(0);
  expect(await flowsInDots(core)).toEqual([]);
  expect((await asked(core)).slice(before)).toEqual([{ action: 'flow.create', environment_name: 'Production', host: '127.0.0.1' }]);

  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const call = core.callsTo('create_flow').at(-1);
  expect(call!.args).toMatchObject({ environmentId: 'production', request: { steps: [{ name: 'compliance' }, { name: 'payout' }] } });
  expect(call!.args).not.toHaveProperty('confirmProduction');
  await expect(page.getByTestId('flow-env')).toHaveText('Production');
  expect(await flowsInDots(core)).toHaveLength(1);
  expect((await asked(core)).slice(before)).toHaveLength(2);
});

test('a custom environment marked production is asked about with its own name and host', async ({ page, core }) => {
  const id = await core.addSandboxEnvironment('Payroll Live', true);
  await core.invoke('set_active_environment', { id });
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(await asked(core)).toEqual([{ action: 'flow.create', environment_name: 'Payroll Live', host: '127.0.0.1' }]);
  expect(core.callsTo('create_flow')[0]!.args).toMatchObject({ environmentId: id });
});

test('an environment marked production behind the page\'s back is still confirmed by the core', async ({ page, core }) => {
  await core.pointAtSandbox('sandbox');
  await core.invoke('set_active_environment', { id: 'sandbox' });
  await openApp(page);
  await addSteps(page, 'compliance');
  await expect(page.getByTestId('prod-banner')).toHaveCount(0);
  // Another window (or the CLI) marks it production; the person says no in the dialog.
  await core.invoke('update_environment', { id: 'sandbox', change: { name: null, base_url: null, app_id: null, production: true } });
  await core.host.answerNext(false);
  await createButton(page).click();
  await expect(page.getByTestId('error-kind')).toHaveText('confirmation_required');
  await expect(page.getByTestId('error-message')).toHaveText('Create a flow in Sandbox was not confirmed: nothing was sent.');
  await expect(page.getByTestId('flow-card')).toHaveCount(0);
  expect(await flowsInDots(core)).toEqual([]);
  // It read the environments again, and now shows it as production.
  await expect(page.getByTestId('prod-banner')).toBeVisible();
});

test('the flow card watches the flow in the environment it was created in', async ({ page, core }) => {
  await core.pointAtSandbox('sandbox');
  await openApp(page);
  await switchTo(page, 'sandbox');
  await addSteps(page, 'compliance', 'manage-payouts');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 2 steps');
  const id = (await page.getByTestId('flow-id').textContent())!;
  await expect.poll(() => core.callsTo('watch_flow').map((c) => c.args)).toEqual([{ id, environmentId: 'sandbox' }]);
  // Only found in Sandbox (its history says so), however the sandbox behind it is shared.
  expect((await core.invoke<FlowView>('get_flow', { id, environmentId: 'sandbox' })).environment_id).toBe('sandbox');

  // Switch away: the card stays, and the scheduler's events still move it on.
  await switchTo(page, 'local');
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  await core.sandbox.complete(id, 'compliance');
  await page.getByTestId('refresh-flow').click();
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');
  await expect(page.getByTestId('flow-env')).toHaveText('Sandbox');

  await switchTo(page, 'production');
  await core.sandbox.complete(id, 'manage-payouts');
  await refreshUnlessFinished(page);
  await expect(page.getByTestId('flow-done')).toBeVisible();
  expect(core.callsTo('watch_flow')).toHaveLength(1);
  expect(core.callsTo('get_flow')).toHaveLength(0);
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a failed switch is shown as kind and message, and the environment stays', async ({ page, core }) => {
  await core.invoke('add_environment', { environment: { name: 'Staging', base_url: 'https://staging.example.com/api', app_id: null, production: false } });
  await openApp(page);
  await expect(page.getByTestId('env-option-staging')).toBeVisible();
  // Another window (or the CLI) removes it before the click.
  await core.invoke('remove_environment', { id: 'staging' });
  await page.getByTestId('env-option-staging').click();
  const refused = await core.invokeError('set_active_environment', { id: 'staging' });
  await expect(page.getByTestId('error-kind')).toHaveText(refused.kind);
  await expect(page.getByTestId('error-message')).toHaveText(refused.message);
  expect(refused.message).toContain('staging');
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  await expect(page.getByTestId('env-option-local')).toHaveAttribute('aria-checked', 'true');
});
