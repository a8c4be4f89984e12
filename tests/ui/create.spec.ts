import { addSteps, createButton, emitEvent, expect, openApp, test } from './fixtures';
import { QR_SVG, Rejection } from './fake-backend';

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

test('progress comes from flow-watch events, with no get_flow polling', async ({ page, backend }) => {
  await page.clock.install();
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  await page.clock.runFor(200);
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 2 steps');
  const [flow] = [...backend.flows.values()];
  const id = flow!.id;
  // The card asks the Rust scheduler to watch the flow in its own environment.
  await expect.poll(() => backend.callsTo('watch_flow').map((c) => c.args)).toEqual([{ id, environmentId: 'local' }]);

  // Someone claims the flow and completes the first step: the scheduler says so.
  const user = backend.claim(id);
  backend.complete(id, 'compliance');
  await emitEvent(page, 'flow-watch', backend.watchEvent(id, '2026-01-02T10:11:12Z'));
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');
  await expect(page.getByTestId('flow-step-compliance')).toHaveAttribute('data-done', 'true');
  await expect(page.getByTestId('flow-step-manage-payouts')).toHaveAttribute('data-done', 'false');
  await expect(page.getByTestId('flow-claimed')).toHaveText(`Claimed by user ${user}`);
  await expect(page.getByTestId('flow-last-checked')).toContainText('last checked');
  await expect(page.getByTestId('flow-done')).toHaveCount(0);

  // Events about another flow change nothing.
  await emitEvent(page, 'flow-watch', {
    type: 'failed', id: 'someone-else', checked_at: '2026-01-02T10:11:13Z', kind: 'network', message: 'x', retry_in_ms: 1000,
  });
  await expect(page.getByTestId('flow-failed')).toHaveCount(0);

  // A failed check is shown with its kind, message and when it is tried again.
  await emitEvent(page, 'flow-watch', {
    type: 'failed', id, checked_at: '2026-01-02T10:11:14Z', kind: 'rate_limited', message: 'Dots is rate limiting: slow down', retry_in_ms: 8000,
  });
  const failed = page.getByTestId('flow-failed');
  await expect(failed).toContainText('rate_limited');
  await expect(failed).toContainText('Dots is rate limiting: slow down');
  await expect(failed).toContainText('retrying in 8 s');
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');

  // Refresh asks the scheduler for a check now.
  await page.getByTestId('refresh-flow').click();
  await expect.poll(() => backend.callsTo('refresh_flow').map((c) => c.args)).toEqual([{ id }]);

  backend.complete(id, 'manage-payouts');
  await emitEvent(page, 'flow-watch', backend.watchEvent(id));
  await expect(page.getByTestId('flow-done')).toHaveText('Done');
  await expect(page.getByTestId('flow-progress')).toHaveText('2 of 2 steps');
  await expect(page.getByTestId('flow-step-manage-payouts')).toHaveAttribute('data-done', 'true');
  await expect(page.getByTestId('flow-failed')).toHaveCount(0);

  // The UI never polls by itself, however long the card stays.
  await page.clock.runFor(20_000);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  expect(backend.callsTo('get_flow')).toHaveLength(0);
  expect(backend.callsTo('watch_flow')).toHaveLength(1);
});

test('a stopped watch is shown, and "Watch again" watches it again', async ({ page, backend }) => {
  await openApp(page);
  await addSteps(page, 'id-verification');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const [flow] = [...backend.flows.values()];
  const id = flow!.id;
  await expect.poll(() => backend.callsTo('watch_flow').length).toBe(1);
  await emitEvent(page, 'flow-watch', {
    type: 'stopped', id, checked_at: '2026-01-02T10:11:14Z', reason: 'error', kind: 'unauthorized', message: 'Dots did not accept the key',
  });
  await expect(page.getByTestId('flow-stopped')).toContainText('unauthorized');
  await expect(page.getByTestId('flow-stopped')).toContainText('Dots did not accept the key');
  await page.getByTestId('refresh-flow').click();
  await expect.poll(() => backend.callsTo('watch_flow').length).toBe(2);
  await expect(page.getByTestId('flow-stopped')).toHaveCount(0);
});

test('copy puts the link on the clipboard (plugin) and says so', async ({ page, backend }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  const [flow] = [...backend.flows.values()];
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('toast')).toHaveText('Link copied');
  expect(backend.callsTo('plugin:clipboard-manager|write_text').map((c) => c.args.text)).toEqual([flow!.link]);
  expect(backend.clipboard).toBe(flow!.link);
});

test('a failed copy says why and what to do', async ({ page, backend }) => {
  backend.on('plugin:clipboard-manager|write_text', () => {
    throw new Rejection({ kind: 'internal', message: 'clipboard unavailable' });
  });
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('toast')).toContainText('clipboard unavailable');
  await expect(page.getByTestId('toast')).toContainText('copy it by hand');
});

test('Ctrl+Shift+C copies the last link', async ({ page, backend }) => {
  await openApp(page);
  await page.keyboard.press('Control+Shift+C');
  await expect(page.getByTestId('toast')).toContainText('No link yet');
  expect(backend.callsTo('plugin:clipboard-manager|write_text')).toHaveLength(0);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const [flow] = [...backend.flows.values()];
  await page.keyboard.press('Control+Shift+C');
  await expect(page.getByTestId('toast')).toHaveText('Link copied');
  expect(backend.clipboard).toBe(flow!.link);
});

test('the QR code of the link is shown as an SVG image', async ({ page, backend }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  const [flow] = [...backend.flows.values()];
  const qr = page.getByTestId('qr');
  await expect(qr).toBeVisible();
  expect(backend.callsTo('link_qr').map((c) => c.args)).toEqual([{ link: flow!.link }]);
  await expect(qr).toHaveAttribute('src', `data:image/svg+xml;charset=utf-8,${encodeURIComponent(QR_SVG)}`);
  // The image really loaded (the CSP allows data: images).
  await expect.poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
});

test('"Email to user" asks the app to open the draft (the page opens no mailto:)', async ({ page, backend }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  await page.getByTestId('reference').fill('TICKET-7');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  const [flow] = [...backend.flows.values()];
  await page.getByTestId('email-link').click();
  await expect.poll(() => backend.callsTo('email_open').length).toBe(1);
  expect(backend.callsTo('email_open').map((c) => c.args)).toEqual([
    { draft: { link: flow!.link, steps: ['compliance', 'manage-payouts'], reference: 'TICKET-7' } },
  ]);
  expect(backend.callsTo('plugin:opener|open_url')).toHaveLength(0);
});
