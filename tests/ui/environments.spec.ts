import type { Page } from '@playwright/test';
import { addSteps, createButton, emitEvent, expect, openApp, test } from './fake-fixtures';
import { envView, Rejection } from './fake-backend';

async function switchTo(page: Page, id: string): Promise<void> {
  await page.getByTestId(`env-option-${id}`).click();
  await expect(page.getByTestId(`env-option-${id}`)).toHaveAttribute('aria-checked', 'true');
}

test('the switcher changes the active environment in one click, and create uses it', async ({ page, backend }) => {
  backend.configure('sandbox');
  await openApp(page);
  const badge = page.getByTestId('env-badge');
  await expect(badge).toHaveText('Local sandbox');
  const options = page.getByTestId('env-switch').locator('[data-testid^="env-option-"]');
  await expect(options).toHaveText(['Local sandbox', 'Sandbox', 'Production']);
  await expect(page.getByTestId('env-option-local')).toHaveAttribute('aria-checked', 'true');

  await page.getByTestId('env-option-sandbox').click();
  await expect(badge).toHaveText('Sandbox');
  await expect(badge).toHaveAttribute('title', 'Requests go to https://pls.senddotssandbox.com/api');
  await expect(page.getByTestId('env-option-sandbox')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('env-option-local')).toHaveAttribute('aria-checked', 'false');
  expect(backend.callsTo('set_active_environment').map((c) => c.args)).toEqual([{ id: 'sandbox' }]);
  await expect(page.getByTestId('prod-banner')).toHaveCount(0);

  // Not production: no question, the new environment's id.
  await addSteps(page, 'compliance');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(backend.nativeDialog.asked).toEqual([]);
  const [call] = backend.callsTo('create_flow');
  expect(call!.args).toMatchObject({ environmentId: 'sandbox' });
  await expect(page.getByTestId('flow-env')).toHaveText('Sandbox');

  // And back: the next create goes to the Local sandbox.
  await switchTo(page, 'local');
  await expect(badge).toHaveText('Local sandbox');
  await createButton(page).click();
  await expect.poll(() => backend.callsTo('create_flow').length).toBe(2);
  expect(backend.callsTo('create_flow')[1]!.args).toMatchObject({ environmentId: 'local' });
  await expect(page.getByTestId('flow-env')).toHaveText('Local sandbox');
});

test('the production banner follows is_production, never the name', async ({ page, backend }) => {
  // Marked production on its own host; and one merely *named* like production.
  backend.addEnvironment(envView('payroll-live', 'Payroll Live', 'https://payroll.example.com/api', { production: true }));
  backend.addEnvironment(envView('production-copy', 'Production Copy', 'https://staging.example.com/api'));
  // Named "Test", pointing at Dots' production host: production all the same.
  backend.addEnvironment(envView('test', 'Test', 'https://api.dots.dev/api'));
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

test("creating in Production is confirmed in the app's own dialog: a no sends nothing, a yes creates", async ({ page, backend }) => {
  backend.active = 'production';
  backend.configure('production', 'sk_live_9999');
  await openApp(page);
  await expect(page.getByTestId('prod-banner')).toBeVisible();
  await addSteps(page, 'compliance', 'payout');
  await expect(createButton(page)).toBeEnabled();

  // The question is the app's (a native dialog from Rust), never the page's: the page cannot
  // answer it, and sends no confirmation of its own.
  backend.nativeDialog.answer = false;
  await createButton(page).click();
  await expect(page.getByTestId('error-kind')).toHaveText('confirmation_required');
  await expect(page.getByTestId('error-message')).toHaveText('Create a flow in Production was not confirmed: nothing was sent.');
  await expect(page.getByTestId('flow-card')).toHaveCount(0);
  expect(backend.flows.size).toBe(0);
  expect(backend.nativeDialog.asked).toEqual([{ action: 'flow.create', environment: 'Production', host: 'api.dots.dev' }]);

  backend.nativeDialog.answer = true;
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const call = backend.callsTo('create_flow').at(-1);
  expect(call!.args).toMatchObject({ environmentId: 'production', request: { steps: [{ name: 'compliance' }, { name: 'payout' }] } });
  expect(call!.args).not.toHaveProperty('confirmProduction');
  await expect(page.getByTestId('flow-env')).toHaveText('Production');
});

test('a custom environment marked production is asked about with its own name and host', async ({ page, backend }) => {
  backend.addEnvironment(
    envView('payroll-live', 'Payroll Live', 'https://payroll.example.com/api', { production: true }),
    'sk_live_1234',
  );
  backend.active = 'payroll-live';
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(backend.nativeDialog.asked).toEqual([{ action: 'flow.create', environment: 'Payroll Live', host: 'payroll.example.com' }]);
  expect(backend.callsTo('create_flow')[0]!.args).toMatchObject({ environmentId: 'payroll-live' });
});

test('a backend that still wants confirmation is shown as kind and message', async ({ page, backend }) => {
  // The UI thought it was not production (the mark was set elsewhere): the backend refuses.
  backend.configure('sandbox');
  backend.active = 'sandbox';
  await openApp(page);
  await addSteps(page, 'compliance');
  backend.on('create_flow', () => {
    throw new Rejection({ kind: 'confirmation_required', message: 'Sandbox is a production environment: confirm first' });
  });
  await createButton(page).click();
  await expect(page.getByTestId('error-kind')).toHaveText('confirmation_required');
  await expect(page.getByTestId('error-message')).toHaveText('Sandbox is a production environment: confirm first');
  await expect(page.getByTestId('flow-card')).toHaveCount(0);
  // It read the environments again.
  await expect.poll(() => backend.callsTo('environments').length).toBe(2);
});

test('the flow card watches the flow in the environment it was created in', async ({ page, backend }) => {
  backend.configure('sandbox');
  await openApp(page);
  await switchTo(page, 'sandbox');
  await addSteps(page, 'compliance', 'manage-payouts');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 2 steps');
  const [flow] = [...backend.flows.values()];
  const id = flow!.id;
  await expect.poll(() => backend.callsTo('watch_flow').map((c) => c.args)).toEqual([{ id, environmentId: 'sandbox' }]);

  // Switch away: the card stays, and events still move it on.
  await switchTo(page, 'local');
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  backend.complete(id, 'compliance');
  await emitEvent(page, 'flow-watch', backend.watchEvent(id));
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');
  await expect(page.getByTestId('flow-env')).toHaveText('Sandbox');

  await switchTo(page, 'production');
  backend.complete(id, 'manage-payouts');
  await emitEvent(page, 'flow-watch', backend.watchEvent(id));
  await expect(page.getByTestId('flow-done')).toBeVisible();
  expect(backend.callsTo('watch_flow')).toHaveLength(1);
  expect(backend.callsTo('get_flow')).toHaveLength(0);
  await expect(page.getByTestId('error')).toHaveCount(0);
});

test('a failed switch is shown as kind and message, and the environment stays', async ({ page, backend }) => {
  backend.on('set_active_environment', () => {
    throw new Rejection({ kind: 'io', message: 'Could not save the settings file: disk full' });
  });
  await openApp(page);
  await page.getByTestId('env-option-sandbox').click();
  await expect(page.getByTestId('error-kind')).toHaveText('io');
  await expect(page.getByTestId('error-message')).toHaveText('Could not save the settings file: disk full');
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  await expect(page.getByTestId('env-option-local')).toHaveAttribute('aria-checked', 'true');
});
