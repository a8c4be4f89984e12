import type { Page } from '@playwright/test';
import type { FlowView } from '../../ui/src/bindings/FlowView';
import type { Core } from './core';
import { addSteps, createButton, expect, openApp, refreshUnlessFinished, test } from './fixtures';

/** The flow the card shows, as the core has it. */
async function shownFlow(page: Page, core: Core): Promise<FlowView['flow']> {
  const id = (await page.getByTestId('flow-id').textContent()) ?? '';
  return (await core.invoke<FlowView>('get_flow', { id, environmentId: 'local' })).flow;
}

test('create shows the link as a real <a> that opens in the system browser', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  await page.getByTestId('reference').fill('TICKET-42');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();

  const link = page.getByTestId('flow-link');
  await expect(link).toBeVisible();
  const flow = await shownFlow(page, core);
  // The local sandbox's hosted page for this flow.
  expect(flow.link).toBe(`${core.sandbox.origin}/flow/${flow.id}`);
  expect(flow.metadata).toEqual({ reference: 'TICKET-42' });
  await expect(link).toHaveText(flow!.link);
  expect(await link.evaluate((el) => el.tagName)).toBe('A');
  await expect(link).toHaveAttribute('href', flow!.link);
  await expect(page.getByTestId('flow-id')).toHaveText(flow!.id);
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 2 steps');
  await expect(page.getByTestId('flow-step-compliance')).toHaveAttribute('data-done', 'false');
  await expect(page.getByTestId('flow-done')).toHaveCount(0);

  // What was sent: the steps in order and the reference as metadata.
  expect(core.lastRequest('create_flow')).toEqual({
    steps: [{ name: 'compliance' }, { name: 'manage-payouts' }],
    metadata: { reference: 'TICKET-42' },
  });

  // Clicking asks the opener plugin and leaves the app where it is.
  const appUrl = page.url();
  await link.click();
  await expect.poll(() => core.desktop.opened).toEqual([flow!.link]);
  expect(page.url()).toBe(appUrl);
  await expect(page.getByTestId('flow-card')).toBeVisible();
});

test('Ctrl+Enter creates the flow when it is valid, and not before', async ({ page, core }) => {
  await openApp(page);
  // (No step at all would be a valid onboarding-only link: start from an invalid flow.)
  await addSteps(page, 'payout', 'redirect');
  await expect(page.getByTestId('step-redirect').getByTestId('violation')).toBeVisible();
  await page.getByTestId('opt-redirect-redirect_url').focus();
  await page.keyboard.press('Control+Enter');
  expect(core.callsTo('create_flow')).toHaveLength(0);

  await page.getByTestId('opt-redirect-redirect_url').fill('https://example.com/thanks');
  await page.getByTestId('opt-redirect-hide_continue_button').check();
  await expect(createButton(page)).toBeEnabled();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(core.callsTo('create_flow')).toHaveLength(1);
  expect(core.lastRequest('create_flow')).toEqual({
    steps: [
      { name: 'payout' },
      { name: 'redirect', hide_continue_button: true, redirect_url: 'https://example.com/thanks' },
    ],
  });
});

test('a failed create shows the kind and message of the error', async ({ page, core }) => {
  await openApp(page);
  // Dots refuses the key, once.
  await core.sandbox.fault({ fault: { kind: 'status', status: 401, body: '{"error":"bad key"}' }, method: 'POST', path_prefix: '/api/v2/flows' });
  await addSteps(page, 'compliance');
  await createButton(page).click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('unauthorized');
  await expect(error).toContainText('Dots did not accept the credentials (401): bad key');
  await expect(page.getByTestId('flow-card')).toHaveCount(0);
  // The flow can be tried again, and the next try goes through.
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
});

/**
 * Dots' Sandbox environment, served by this test's local sandbox over HTTP: its flows are
 * polled like real Dots', so the sandbox's faults reach the scheduler (Local flows are read
 * in process on each push, where no HTTP fault can happen).
 */
async function useRemoteSandbox(core: Core): Promise<void> {
  await core.pointAtSandbox('sandbox');
  await core.invoke('set_active_environment', { id: 'sandbox' });
}

test('progress comes from flow-watch events, with no get_flow polling', async ({ page, core }) => {
  await useRemoteSandbox(core);
  await page.clock.install();
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  await page.clock.runFor(200);
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 2 steps');
  const id = (await shownFlow(page, core)).id;
  // The card asks the Rust scheduler to watch the flow in its own environment.
  await expect.poll(() => core.callsTo('watch_flow').map((c) => c.args)).toEqual([{ id, environmentId: 'sandbox' }]);

  // Someone claims the flow and completes the first step; Refresh has the scheduler look now.
  const user = await core.sandbox.claim(id);
  await core.sandbox.complete(id, 'compliance');
  await page.getByTestId('refresh-flow').click();
  await expect.poll(() => core.callsTo('refresh_flow').map((c) => c.args)).toEqual([{ id }]);
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');
  await expect(page.getByTestId('flow-step-compliance')).toHaveAttribute('data-done', 'true');
  await expect(page.getByTestId('flow-step-manage-payouts')).toHaveAttribute('data-done', 'false');
  await expect(page.getByTestId('flow-claimed')).toHaveText(`Claimed by user ${user}`);
  await expect(page.getByTestId('flow-last-checked')).toContainText('last checked');
  await expect(page.getByTestId('flow-done')).toHaveCount(0);

  // Events about another flow change nothing: one made and finished behind the card's back.
  const other = await core.invoke<FlowView>('create_flow', { request: { steps: [{ name: 'payout' }] }, environmentId: 'sandbox' });
  await core.sandbox.complete(other.flow.id, 'payout');
  await core.invoke('watch_flow', { id: other.flow.id, environmentId: 'sandbox' });
  await expect
    .poll(() => core.host.eventsAfter(0).then((es) => es.some((e) => e.event === 'flow-watch' && (e.payload as { type: string; id: string }).id === other.flow.id && (e.payload as { type: string }).type === 'done')))
    .toBe(true);
  await expect(page.getByTestId('flow-done')).toHaveCount(0);
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');

  // A failed check is shown with its kind, message and when it is tried again.
  await core.sandbox.fault({ fault: { kind: 'status', status: 429, retry_after: 1 }, method: 'GET', path_prefix: `/api/v2/flows/${id}` });
  await page.getByTestId('refresh-flow').click();
  const failed = page.getByTestId('flow-failed');
  await expect(failed).toContainText('rate_limited');
  await expect(failed).toContainText('429');
  await expect(failed).toContainText('retrying in 1 s');
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');

  // The last step done: the scheduler's next check (after the Retry-After) says Done.
  await core.sandbox.complete(id, 'manage-payouts');
  await refreshUnlessFinished(page);
  await expect(page.getByTestId('flow-done')).toHaveText('Done');
  await expect(page.getByTestId('flow-progress')).toHaveText('2 of 2 steps');
  await expect(page.getByTestId('flow-step-manage-payouts')).toHaveAttribute('data-done', 'true');
  await expect(page.getByTestId('flow-failed')).toHaveCount(0);

  // The UI never polls by itself, however long the card stays.
  await page.clock.runFor(20_000);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  expect(core.callsTo('get_flow')).toHaveLength(0);
  expect(core.callsTo('watch_flow')).toHaveLength(1);
});

test('on Local, a step completed on the hosted page shows at once, with no refresh', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  await createButton(page).click();
  await expect(page.getByTestId('flow-progress')).toHaveText('0 of 2 steps');
  const id = (await shownFlow(page, core)).id;
  await core.sandbox.claim(id);
  await core.sandbox.complete(id, 'compliance');
  // Pushed by the sandbox's event: the scheduler's fallback poll is an hour away.
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');
  expect(core.callsTo('refresh_flow')).toHaveLength(0);
});

test('a stopped watch is shown, and "Watch again" watches it again', async ({ page, core }) => {
  await useRemoteSandbox(core);
  await openApp(page);
  await addSteps(page, 'id-verification');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const id = (await shownFlow(page, core)).id;
  await expect.poll(() => core.callsTo('watch_flow').length).toBe(1);
  // Dots refuses the key on the next check: asking again cannot fix that, so the watch stops.
  await core.sandbox.fault({ fault: { kind: 'status', status: 401, body: '{"error":"key revoked"}' }, method: 'GET', path_prefix: `/api/v2/flows/${id}` });
  await page.getByTestId('refresh-flow').click();
  await expect(page.getByTestId('flow-stopped')).toContainText('unauthorized');
  await expect(page.getByTestId('flow-stopped')).toContainText('Dots did not accept the credentials (401): key revoked');
  await page.getByTestId('refresh-flow').click();
  await expect.poll(() => core.callsTo('watch_flow').length).toBe(2);
  await expect(page.getByTestId('flow-stopped')).toHaveCount(0);
});

test('copy puts the link on the clipboard (plugin) and says so', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  const flow = await shownFlow(page, core);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('toast')).toHaveText('Link copied');
  expect(core.callsTo('plugin:clipboard-manager|write_text').map((c) => c.args.text)).toEqual([flow!.link]);
  expect(core.desktop.clipboard).toBe(flow!.link);
});

test('a failed copy says why and what to do', async ({ page, core }) => {
  // The desktop's clipboard refuses (as the plugin does with no clipboard owner).
  core.desktop.clipboardError = 'clipboard unavailable';
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('toast')).toContainText('clipboard unavailable');
  await expect(page.getByTestId('toast')).toContainText('copy it by hand');
});

test('Ctrl+Shift+C copies the last link', async ({ page, core }) => {
  await openApp(page);
  await page.keyboard.press('Control+Shift+C');
  await expect(page.getByTestId('toast')).toContainText('No link yet');
  expect(core.callsTo('plugin:clipboard-manager|write_text')).toHaveLength(0);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const flow = await shownFlow(page, core);
  await page.keyboard.press('Control+Shift+C');
  await expect(page.getByTestId('toast')).toHaveText('Link copied');
  expect(core.desktop.clipboard).toBe(flow!.link);
});

test('the QR code of the link is shown as an SVG image', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await createButton(page).click();
  const flow = await shownFlow(page, core);
  const qr = page.getByTestId('qr');
  await expect(qr).toBeVisible();
  expect(core.callsTo('link_qr').map((c) => c.args)).toEqual([{ link: flow!.link }]);
  // The SVG drawn in Rust for this link.
  const svg = await core.invoke<string>('link_qr', { link: flow.link });
  expect(svg).toContain('<svg');
  await expect(qr).toHaveAttribute('src', `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
  // The image really loaded (the CSP allows data: images).
  await expect.poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
});

test('"Email to user" asks the app to open the draft (the page opens no mailto:)', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  await page.getByTestId('reference').fill('TICKET-7');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  const flow = await shownFlow(page, core);
  await page.getByTestId('email-link').click();
  await expect.poll(() => core.callsTo('email_open').length).toBe(1);
  expect(core.callsTo('email_open').map((c) => c.args)).toEqual([
    { draft: { link: flow!.link, steps: ['compliance', 'manage-payouts'], reference: 'TICKET-7' } },
  ]);
  expect(core.callsTo('plugin:opener|open_url')).toHaveLength(0);
  // Rust handed the desktop a mailto: draft with the link in it.
  await expect.poll(() => core.host.opened()).toHaveLength(1);
  expect(core.host.opened()[0]).toMatch(/^mailto:/);
  expect(decodeURIComponent(core.host.opened()[0]!)).toContain(flow.link);
});
