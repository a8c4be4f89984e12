import type { Page } from '@playwright/test';
import type { Intent } from '../../ui/src/bindings/Intent';
import type { Outcome } from '../../ui/src/bindings/Outcome';
import type { Core } from './core';
import { expect, openApp, test } from './fixtures';

/** Ana Diaz in Dots with $1,234.56 in her wallet, and an app balance that covers the tests. */
async function seedAna(core: Core): Promise<{ id: string }> {
  await core.sandbox.setAppBalance(10_000_000);
  const user = await core.sandbox.seedUser({
    first_name: 'Ana',
    last_name: 'Diaz',
    email: 'ana@example.com',
    status: 'verified',
    wallet_cents: 123456,
    default_payout_method: 'paypal',
  });
  return { id: user.id };
}

/** Dots carries out the transfer (or link), but no reply arrives, however often the core asks
 * again with the same key: the outcome stays unknown until `answerAgain`. */
async function loseReplies(core: Core, path: string): Promise<void> {
  await core.sandbox.fault({ fault: { kind: 'drop' }, when: 'after_commit', count: 50, method: 'POST', path_prefix: path });
}

/** Dots' replies arrive again. */
async function answerAgain(core: Core): Promise<void> {
  await core.sandbox.call('DELETE', '/faults');
}

function intents(core: Core): Promise<Intent[]> {
  return core.invoke<Intent[]>('money_intents');
}

/** A fund of `amount` made earlier whose outcome is unknown (Dots' reply was lost). */
async function unsettledFund(core: Core, userId: string, amount: string): Promise<Intent> {
  await loseReplies(core, '/api/v2/transfers');
  const outcome = await core.invoke<Outcome>('money_send', { environmentId: 'local', request: { kind: 'fund', user_id: userId, amount } });
  expect(outcome.state).toBe('unknown');
  await answerAgain(core);
  return outcome.intent;
}

/** The app on the Users view with Ana open. */
async function openUser(page: Page, core: Core): Promise<{ user: { id: string } }> {
  const user = await seedAna(core);
  await openApp(page);
  await page.getByTestId('open-users').click();
  await page.getByTestId('user-id-input').fill(user.id);
  await page.getByTestId('user-open').click();
  await expect(page.getByTestId('user-detail')).toHaveAttribute('data-user-id', user.id);
  return { user };
}

async function reviewFund(page: Page, amount: string) {
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill(amount);
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('money-confirm-dialog')).toBeVisible();
}

test('fund wallet: the summary is stated, nothing is sent before Confirm, then the wallet is read again', async ({ page, core }) => {
  const { user } = await openUser(page, core);
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill('12.5');
  // The direction in words, before anything is confirmed.
  await expect(page.getByTestId('fund-direction')).toHaveText(
    "Moves $12.50 from your app's balance into Ana Diaz's Dots wallet in Local sandbox.",
  );
  await page.getByTestId('fund-review').click();
  const dialog = page.getByTestId('money-confirm-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('money-summary-sentence')).toContainText('Fund wallet: $12.50');
  await expect(page.getByTestId('money-summary-amount')).toHaveText('$12.50');
  await expect(page.getByTestId('money-summary-recipient')).toHaveText(`Ana Diaz (${user.id})`);
  await expect(page.getByTestId('money-summary-direction')).toHaveText(`from the app's Dots wallet to Ana Diaz (${user.id})'s Dots wallet`);
  await expect(page.getByTestId('money-summary-environment')).toHaveText('Local sandbox');
  // The core's default limits for an environment nobody has set any for.
  await expect(page.getByTestId('money-summary-limits')).toHaveText('$10,000.00 per action, $50,000.00 per day');
  await expect(page.getByTestId('money-summary-spent')).toHaveText('$0.00');
  // Not Production: no typed amount, Confirm is enabled, Cancel has the focus.
  await expect(page.getByTestId('money-typed-amount')).toHaveCount(0);
  await expect(page.getByTestId('money-cancel')).toBeFocused();
  expect(core.callsTo('money_summary').map((c) => c.args)).toEqual([
    { environmentId: 'local', request: { kind: 'fund', user_id: user.id, amount: '12.5' } },
  ]);
  expect(core.callsTo('money_send')).toHaveLength(0);

  await page.getByTestId('money-confirm').click();
  await expect(dialog).toHaveCount(0);
  const outcome = page.getByTestId('money-outcome');
  await expect(outcome).toHaveAttribute('data-state', 'done');
  expect(core.callsTo('money_send').map((c) => c.args)).toEqual([
    { environmentId: 'local', request: { kind: 'fund', user_id: user.id, amount: '12.5' } },
  ]);
  const intent = (await intents(core)).find((i) => i.state === 'done')!;
  await expect(page.getByTestId('money-outcome-transfer')).toHaveText(intent.dots_id!);
  // Read again: the wallet shows the new amount.
  await expect(page.getByTestId('user-wallet-amount')).toHaveText('$1,247.06');
  expect(core.callsTo('user_get')).toHaveLength(2);
});

test('Cancel in the confirmation sends nothing', async ({ page, core }) => {
  await openUser(page, core);
  await reviewFund(page, '5');
  await page.getByTestId('money-cancel').click();
  await expect(page.getByTestId('money-confirm-dialog')).toHaveCount(0);
  expect(core.callsTo('money_send')).toHaveLength(0);
  // Escape too.
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('money-confirm-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('money-confirm-dialog')).toHaveCount(0);
  expect(core.callsTo('money_send')).toHaveLength(0);
});

test('production: Confirm is disabled until the amount is typed again, which is sent as typedAmount', async ({ page, core }) => {
  // Production served by the local sandbox: marked, since its host is no longer Dots'.
  await core.pointAtSandbox('production', true);
  await core.invoke('set_active_environment', { id: 'production' });
  const { user } = await openUser(page, core);
  await reviewFund(page, '40');
  await expect(page.getByTestId('money-summary-environment')).toHaveText('Production (PRODUCTION: real money)');
  const confirm = page.getByTestId('money-confirm');
  await expect(confirm).toBeDisabled();
  await page.getByTestId('money-typed-amount').fill('   ');
  await expect(confirm).toBeDisabled();
  await page.getByTestId('money-typed-amount').fill('40.00');
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(page.getByTestId('money-outcome')).toHaveAttribute('data-state', 'done');
  expect(core.callsTo('money_send').map((c) => c.args)).toEqual([
    { environmentId: 'production', request: { kind: 'fund', user_id: user.id, amount: '40' }, typedAmount: '40.00' },
  ]);
});

test('production: a typed amount that differs is refused with its kind and message', async ({ page, core }) => {
  await core.pointAtSandbox('production', true);
  await core.invoke('set_active_environment', { id: 'production' });
  await openUser(page, core);
  await reviewFund(page, '40');
  await page.getByTestId('money-typed-amount').fill('400');
  await page.getByTestId('money-confirm').click();
  await expect(page.getByTestId('error-kind')).toHaveText('confirmation_mismatch');
  await expect(page.getByTestId('error-message')).toContainText('type the amount ($40.00) to confirm; nothing was sent');
  expect(await intents(core)).toHaveLength(0);
});

test('an unknown outcome offers Retry (same key), which calls money_retry with the intent id', async ({ page, core }) => {
  await openUser(page, core);
  await loseReplies(core, '/api/v2/transfers');
  await reviewFund(page, '7.25');
  await page.getByTestId('money-confirm').click();
  const outcome = page.getByTestId('money-outcome');
  await expect(outcome).toHaveAttribute('data-state', 'unknown');
  await expect(page.getByTestId('money-outcome-message')).toContainText('outcome is unknown');
  const intentId = (await intents(core))[0]!.id;
  await expect(page.getByTestId('money-outcome-intent')).toHaveText(intentId);

  // The same key again: Dots had made the transfer, so it is recovered, not paid twice.
  await answerAgain(core);
  await page.getByTestId('money-retry').click();
  await expect(outcome).toHaveAttribute('data-state', 'recovered');
  await expect(page.getByTestId('money-outcome-message')).toContainText('no money moved twice');
  expect(core.callsTo('money_retry').map((c) => c.args)).toEqual([{ intentId }]);
  expect(core.callsTo('money_send')).toHaveLength(1);
});

test('an over_limit refusal shows its kind and message and opens no dialog', async ({ page, core }) => {
  await core.invoke('limits_set', { environmentId: 'local', limits: { per_action_cents: 1000, per_day_cents: null } });
  await openUser(page, core);
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill('20');
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('error-kind')).toHaveText('over_limit');
  await expect(page.getByTestId('error-message')).toHaveText("$20.00 is over this environment's limit of $10.00 per action; nothing was sent");
  await expect(page.getByTestId('money-confirm-dialog')).toHaveCount(0);
  expect(core.callsTo('money_send')).toHaveLength(0);
});

test('an earlier unsettled payment: retry it, or a new payment anyway after a second confirmation', async ({ page, core }) => {
  const { user } = await openUser(page, core);
  const earlier = await unsettledFund(core, user.id, '5');
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill('5');
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('money-unresolved')).toBeVisible();
  await expect(page.getByTestId('money-unresolved-message')).toContainText(`intent ${earlier.id}`);
  await expect(page.getByTestId('money-confirm-dialog')).toHaveCount(0);

  // A new payment anyway: asked once more, then sent with replacing = the earlier intent.
  await page.getByTestId('money-new-anyway').click();
  await expect(page.getByTestId('money-confirm-warning')).toContainText('paid twice');
  expect(core.callsTo('money_send')).toHaveLength(0);
  await page.getByTestId('money-confirm').click();
  await expect(page.getByTestId('money-outcome')).toHaveAttribute('data-state', 'done');
  expect(core.callsTo('money_send').map((c) => c.args)).toEqual([
    { environmentId: 'local', request: { kind: 'fund', user_id: user.id, amount: '5' }, replacing: earlier.id },
  ]);
});

test('an earlier unsettled payment can be retried from the warning', async ({ page, core }) => {
  const { user } = await openUser(page, core);
  const earlier = await unsettledFund(core, user.id, '5');
  await reviewFundExpectingUnresolved(page);
  await page.getByTestId('money-retry-earlier').click();
  // Dots had carried it out: recovered, not paid again.
  await expect(page.getByTestId('money-outcome')).toHaveAttribute('data-state', 'recovered');
  await expect(page.getByTestId('money-unresolved')).toHaveCount(0);
  expect(core.callsTo('money_retry').map((c) => c.args)).toEqual([{ intentId: earlier.id }]);
  expect(core.callsTo('money_send')).toHaveLength(0);
});

async function reviewFundExpectingUnresolved(page: Page) {
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill('5');
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('money-unresolved')).toBeVisible();
}

test('a payout link: made after confirming, handed off as a real link, watched, redelivered and canceled after asking', async ({ page, core }) => {
  const { user } = await openUser(page, core);
  await page.getByTestId('user-payout-link').click();
  await page.getByTestId('payout-amount').fill('30');
  await page.getByTestId('payout-delivery').selectOption('email');
  await page.getByTestId('payout-email').fill('ana@example.com');
  await page.getByTestId('payout-memo').fill('March bonus');
  await page.getByTestId('payout-description').fill('Thanks!');
  await expect(page.getByTestId('payout-direction')).toContainText('Pays $30.00');
  await page.getByTestId('payout-review').click();
  await expect(page.getByTestId('money-summary-amount')).toHaveText('$30.00');
  expect(core.callsTo('money_send')).toHaveLength(0);
  await page.getByTestId('money-confirm').click();

  const request = core.callsTo('money_send')[0]!.args.request;
  expect(request).toEqual({
    kind: 'payout_link',
    amount: '30',
    delivery: { method: 'email' },
    user_id: user.id,
    payee: { email: 'ana@example.com' },
    memo: 'March bonus',
    description: 'Thanks!',
  });
  await expect(page.getByTestId('payout-link-card')).toBeVisible();
  const id = (await page.getByTestId('payout-link-card').getAttribute('data-link-id'))!;
  const link = await core.invoke<{ link: string; status: string }>('payout_link_get', { environmentId: 'local', id });
  const a = page.getByTestId('payout-link');
  await expect(a).toHaveText(link.link);
  expect(await a.evaluate((el) => el.tagName)).toBe('A');
  await expect(a).toHaveAttribute('href', link.link);
  // Funded and sent by email at once.
  await expect(page.getByTestId('payout-link-status')).toHaveText('delivered');
  await expect(page.getByTestId('payout-link-qr')).toBeVisible();

  // Watched with the flows' scheduler, in the environment it was made in.
  await expect.poll(() => core.callsTo('payout_link_watch').map((c) => c.args)).toEqual([{ environmentId: 'local', id }]);

  await a.click();
  await expect.poll(() => core.desktop.opened).toEqual([link.link]);
  await page.getByTestId('payout-link-copy').click();
  await expect.poll(() => core.desktop.clipboard).toBe(link.link);

  await page.getByTestId('payout-link-redeliver').click();
  await expect(page.getByTestId('toast')).toHaveText('Payout link delivered again');
  expect(core.callsTo('payout_link_redeliver').map((c) => c.args)).toEqual([{ environmentId: 'local', id }]);

  // Cancel asks first: "No" keeps it.
  await page.getByTestId('payout-link-cancel').click();
  await expect(page.getByTestId('payout-link-cancel-ask')).toBeVisible();
  await page.getByTestId('payout-link-cancel-ask-no').click();
  expect(core.callsTo('payout_link_cancel')).toHaveLength(0);
  await page.getByTestId('payout-link-cancel').click();
  await page.getByTestId('payout-link-cancel-ask-yes').click();
  await expect(page.getByTestId('payout-link-status')).toHaveText('canceled');
  expect(core.callsTo('payout_link_cancel').map((c) => c.args)).toEqual([{ environmentId: 'local', id }]);
  await expect(page.getByTestId('payout-link-cancel')).toBeDisabled();
  expect((await core.invoke<{ status: string }>('payout_link_get', { environmentId: 'local', id })).status).toBe('canceled');
});

test('a payout link for a payee without a user, from the Money view; the activity lists it', async ({ page, core }) => {
  await core.sandbox.setAppBalance(10_000_000);
  // The watcher looks every second (the shortest interval), so the claim shows soon.
  await core.invoke('set_poll_interval', { seconds: 1 });
  await openApp(page);
  await page.getByTestId('open-money').click();
  await page.getByTestId('payout-amount').fill('15.75');
  await page.getByTestId('payout-delivery').selectOption('sms');
  await page.getByTestId('payout-first-name').fill('Dee');
  await page.getByTestId('payout-last-name').fill('Park');
  await page.getByTestId('payout-phone-number').fill('4155550123');
  await page.getByTestId('payout-review').click();
  await expect(page.getByTestId('money-summary-recipient')).toHaveText('Dee Park 4155550123');
  await page.getByTestId('money-confirm').click();
  await expect(page.getByTestId('payout-link-card')).toBeVisible();
  expect(core.callsTo('money_send')[0]!.args.request).toEqual({
    kind: 'payout_link',
    amount: '15.75',
    delivery: { method: 'sms' },
    payee: { first_name: 'Dee', last_name: 'Park', country_code: '1', phone_number: '4155550123' },
  });
  // The payee claims it on its page; the watcher sees it.
  const linkId = (await page.getByTestId('payout-link-card').getAttribute('data-link-id'))!;
  await core.sandbox.claimPayoutLink(linkId);
  await expect(page.getByTestId('payout-link-status')).toHaveText('claimed', { timeout: 15_000 });
  // Final, as the core says (`done` in its payout-link-watch event): nothing more to do with it.
  await expect(page.getByTestId('payout-link-status')).toHaveClass(/pill--ok/);
  await expect(page.getByTestId('payout-link-cancel')).toBeDisabled();
  await expect(page.getByTestId('payout-link-redeliver')).toBeDisabled();

  await page.getByTestId('activity-refresh').click();
  const intent = (await intents(core)).find((i) => i.dots_id === linkId)!;
  await expect(page.getByTestId(`intent-state-${intent.id}`)).toHaveText('done');
  await expect(page.getByTestId(`intent-${intent.id}`)).toContainText('$15.75');
  await expect(page.getByTestId(`intent-retry-${intent.id}`)).toHaveCount(0);
});

test('money activity: an unsettled intent is retried with the same key', async ({ page, core }) => {
  const eve = await seedAna(core);
  const settled = await core.invoke<Outcome>('money_send', { environmentId: 'local', request: { kind: 'fund', user_id: eve.id, amount: '1' } });
  expect(settled.state).toBe('done');
  const open = await unsettledFund(core, eve.id, '25');
  const done = settled.intent;
  await openApp(page);
  await page.getByTestId('open-money').click();
  await expect(page.getByTestId(`intent-state-${open.id}`)).toContainText('unknown');
  await expect(page.getByTestId(`intent-retry-${done.id}`)).toHaveCount(0);
  await page.getByTestId(`intent-retry-${open.id}`).click();
  // Dots had carried it out: recovered, not paid again.
  await expect(page.getByTestId('money-outcome')).toHaveAttribute('data-state', 'recovered');
  expect(core.callsTo('money_retry').map((c) => c.args)).toEqual([{ intentId: open.id }]);
  await expect(page.getByTestId(`intent-state-${open.id}`)).toContainText((await intents(core)).find((i) => i.id === open.id)!.state);
  expect(['done', 'recovered']).toContain((await intents(core)).find((i) => i.id === open.id)!.state);
  await expect(page.getByTestId(`intent-retry-${open.id}`)).toHaveCount(0);
});
