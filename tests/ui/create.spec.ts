import { addSteps, createButton, expect, openApp, test } from './fixtures';
import { Rejection } from './fake-backend';

test('create shows the link as a real <a> that opens in the system browser', async ({ page, backend }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  await page.getByTestId('reference').fill('TICKET-42');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();

  const link = page.getByTestId('flow-link');
  await expect(link).toBeVisible();
  const [flow] = [...backend.flows.values()];
  expect(flow).toBeDefined();
  await expect(link).toHaveText(flow!.link);
  expect(await link.evaluate((el) => el.tagName)).toBe('A');
  await expect(link).toHaveAttribute('href', flow!.link);
  await expect(page.getByTestId('flow-id')).toHaveText(flow!.id);
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 2 steps');
  await expect(page.getByTestId('flow-step-compliance')).toHaveAttribute('data-done', 'false');
  await expect(page.getByTestId('flow-done')).toHaveCount(0);

  // What was sent: the steps in order and the reference as metadata.
  expect(backend.lastRequest('create_flow')).toEqual({
    steps: [{ name: 'compliance' }, { name: 'manage-payouts' }],
    metadata: { reference: 'TICKET-42' },
  });

  // Clicking asks the opener plugin and leaves the app where it is.
  const appUrl = page.url();
  await link.click();
  await expect.poll(() => backend.callsTo('plugin:opener|open_url').map((c) => c.args.url)).toEqual([flow!.link]);
  expect(page.url()).toBe(appUrl);
  await expect(page.getByTestId('flow-card')).toBeVisible();
});

test('Ctrl+Enter creates the flow when it is valid, and not before', async ({ page, backend }) => {
  await openApp(page);
  await page.keyboard.press('Control+Enter');
  await addSteps(page, 'payout', 'redirect');
  await expect(page.getByTestId('step-redirect').getByTestId('violation')).toBeVisible();
  await page.getByTestId('opt-redirect-redirect_url').focus();
  await page.keyboard.press('Control+Enter');
  expect(backend.callsTo('create_flow')).toHaveLength(0);

  await page.getByTestId('opt-redirect-redirect_url').fill('https://example.com/thanks');
  await page.getByTestId('opt-redirect-hide_continue_button').check();
  await expect(createButton(page)).toBeEnabled();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(backend.callsTo('create_flow')).toHaveLength(1);
  expect(backend.lastRequest('create_flow')).toEqual({
    steps: [
      { name: 'payout' },
      { name: 'redirect', hide_continue_button: true, redirect_url: 'https://example.com/thanks' },
    ],
  });
});

test('a failed create shows the kind and message of the error', async ({ page, backend }) => {
  backend.on('create_flow', () => {
    throw new Rejection({ kind: 'unauthorized', message: 'Dots did not accept the credentials (401): bad key' });
  });
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('unauthorized');
  await expect(error).toContainText('Dots did not accept the credentials (401): bad key');
  await expect(page.getByTestId('flow-card')).toHaveCount(0);
  // The flow can be tried again.
  await expect(createButton(page)).toBeEnabled();
});

test('progress follows get_flow until the flow is done, then polling stops', async ({ page, backend }) => {
  await page.clock.install();
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  // The live check is debounced: let the (fake) clock run past it.
  await page.clock.runFor(200);
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 2 steps');
  const [flow] = [...backend.flows.values()];
  const id = flow!.id;
  expect(backend.callsTo('get_flow')).toHaveLength(0);

  // Someone claims the flow and completes the first step; the next refresh shows it.
  const user = backend.claim(id);
  backend.complete(id, 'compliance');
  await page.clock.runFor(2000);
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');
  await expect(page.getByTestId('flow-step-compliance')).toHaveAttribute('data-done', 'true');
  await expect(page.getByTestId('flow-step-manage-payouts')).toHaveAttribute('data-done', 'false');
  await expect(page.getByTestId('flow-claimed')).toHaveText(`Claimed by user ${user}`);
  await expect(page.getByTestId('flow-done')).toHaveCount(0);
  expect(backend.callsTo('get_flow').map((c) => c.args)).toEqual([{ id, environmentId: 'local' }]);

  // A refresh that fails is shown; the next one recovers.
  backend.on('get_flow', () => {
    throw new Rejection({ kind: 'rate_limited', message: 'Dots is rate limiting: slow down' });
  });
  await page.clock.runFor(2000);
  await expect(page.getByTestId('error')).toContainText('rate_limited');
  await expect(page.getByTestId('error')).toContainText('Dots is rate limiting: slow down');
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');

  backend.off('get_flow');
  backend.complete(id, 'manage-payouts');
  await page.clock.runFor(2000);
  await expect(page.getByTestId('flow-done')).toHaveText('Done');
  await expect(page.getByTestId('flow-progress')).toHaveText('2 of 2 steps');
  await expect(page.getByTestId('flow-step-manage-payouts')).toHaveAttribute('data-done', 'true');
  await expect(page.getByTestId('error')).toHaveCount(0);

  // Done: no more polling, however long the card stays.
  const polls = backend.callsTo('get_flow').length;
  await page.clock.runFor(20_000);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  expect(backend.callsTo('get_flow')).toHaveLength(polls);
});

test('progress updates on the real 2 s interval', async ({ page, backend }) => {
  await openApp(page);
  await addSteps(page, 'id-verification');
  await createButton(page).click();
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 1 step');
  const [flow] = [...backend.flows.values()];
  backend.complete(flow!.id, 'id-verification');
  await expect(page.getByTestId('flow-done')).toBeVisible({ timeout: 6_000 });
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 1 step');
  await expect(page.getByTestId('flow-step-id-verification')).toHaveAttribute('data-done', 'true');
});
