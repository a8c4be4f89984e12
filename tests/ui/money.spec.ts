import type { Page } from '@playwright/test';
import type { User } from '../../ui/src/bindings/User';
import type { FakeBackend } from './fake-backend';
import { moneyOf, type FakeMoney } from './fake-money';
import { emitEvent, expect, openApp, test } from './fake-fixtures';

/** The app on the Users view with one user open; returns the fake and the user. */
async function openUser(page: Page, backend: FakeBackend, patch: Partial<User> = {}): Promise<{ money: FakeMoney; user: User }> {
  const money = moneyOf(backend);
  const user = money.addUser(patch);
  await openApp(page);
  await page.getByTestId('open-users').click();
  await page.getByTestId('user-id-input').fill(user.id);
  await page.getByTestId('user-open').click();
  await expect(page.getByTestId('user-detail')).toHaveAttribute('data-user-id', user.id);
  return { money, user };
}

async function reviewFund(page: Page, amount: string) {
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill(amount);
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('money-confirm-dialog')).toBeVisible();
}

test('fund wallet: the summary is stated, nothing is sent before Confirm, then the wallet is read again', async ({ page, backend }) => {
  const { user } = await openUser(page, backend);
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill('12.5');
  // The direction in words, before anything is confirmed.
  await expect(page.getByTestId('fund-direction')).toHaveText(
    "Moves $12.50 from your app's balance into Ana Diaz's Dots wallet in Local sandbox.",
  );
  await page.getByTestId('fund-review').click();
  const dialog = page.getByTestId('money-confirm-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('money-summary-sentence')).toContainText('Fund $12.50');
  await expect(page.getByTestId('money-summary-amount')).toHaveText('$12.50');
  await expect(page.getByTestId('money-summary-recipient')).toHaveText(`Ana Diaz (${user.id})`);
  await expect(page.getByTestId('money-summary-direction')).toHaveText("from your app's balance into the user's Dots wallet");
  await expect(page.getByTestId('money-summary-environment')).toHaveText('Local sandbox');
  await expect(page.getByTestId('money-summary-limits')).toHaveText('no limit per action, no limit per day');
  await expect(page.getByTestId('money-summary-spent')).toHaveText('$0.00');
  // Not Production: no typed amount, Confirm is enabled, Cancel has the focus.
  await expect(page.getByTestId('money-typed-amount')).toHaveCount(0);
  await expect(page.getByTestId('money-cancel')).toBeFocused();
  expect(backend.callsTo('money_summary').map((c) => c.args)).toEqual([
    { environmentId: 'local', request: { kind: 'fund', user_id: user.id, amount: '12.5' } },
  ]);
  expect(backend.callsTo('money_send')).toHaveLength(0);

  await page.getByTestId('money-confirm').click();
  await expect(dialog).toHaveCount(0);
  const outcome = page.getByTestId('money-outcome');
  await expect(outcome).toHaveAttribute('data-state', 'done');
  expect(backend.callsTo('money_send').map((c) => c.args)).toEqual([
    { environmentId: 'local', request: { kind: 'fund', user_id: user.id, amount: '12.5' } },
  ]);
  const intent = moneyOf(backend).intents[0]!;
  await expect(page.getByTestId('money-outcome-transfer')).toHaveText(intent.dots_id!);
  // Read again: the wallet shows the new amount.
  await expect(page.getByTestId('user-wallet-amount')).toHaveText('$1,247.06');
  expect(backend.callsTo('user_get')).toHaveLength(2);
});

test('Cancel in the confirmation sends nothing', async ({ page, backend }) => {
  await openUser(page, backend);
  await reviewFund(page, '5');
  await page.getByTestId('money-cancel').click();
  await expect(page.getByTestId('money-confirm-dialog')).toHaveCount(0);
  expect(backend.callsTo('money_send')).toHaveLength(0);
  // Escape too.
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('money-confirm-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('money-confirm-dialog')).toHaveCount(0);
  expect(backend.callsTo('money_send')).toHaveLength(0);
});

test('production: Confirm is disabled until the amount is typed again, which is sent as typedAmount', async ({ page, backend }) => {
  backend.configure('production', 'sk_live_1234');
  backend.active = 'production';
  const { user } = await openUser(page, backend);
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
  expect(backend.callsTo('money_send').map((c) => c.args)).toEqual([
    { environmentId: 'production', request: { kind: 'fund', user_id: user.id, amount: '40' }, typedAmount: '40.00' },
  ]);
});

test('production: a typed amount that differs is refused with its kind and message', async ({ page, backend }) => {
  backend.configure('production', 'sk_live_1234');
  backend.active = 'production';
  await openUser(page, backend);
  await reviewFund(page, '40');
  await page.getByTestId('money-typed-amount').fill('400');
  await page.getByTestId('money-confirm').click();
  await expect(page.getByTestId('error-kind')).toHaveText('confirmation_mismatch');
  await expect(page.getByTestId('error-message')).toContainText('Type the amount ($40.00)');
  expect(moneyOf(backend).intents).toHaveLength(0);
});

test('an unknown outcome offers Retry (same key), which calls money_retry with the intent id', async ({ page, backend }) => {
  const { money } = await openUser(page, backend);
  money.nextState = 'unknown';
  await reviewFund(page, '7.25');
  await page.getByTestId('money-confirm').click();
  const outcome = page.getByTestId('money-outcome');
  await expect(outcome).toHaveAttribute('data-state', 'unknown');
  await expect(page.getByTestId('money-outcome-message')).toContainText('outcome is unknown');
  const intentId = money.intents[0]!.id;
  await expect(page.getByTestId('money-outcome-intent')).toHaveText(intentId);

  money.nextState = 'recovered';
  await page.getByTestId('money-retry').click();
  await expect(outcome).toHaveAttribute('data-state', 'recovered');
  await expect(page.getByTestId('money-outcome-message')).toContainText('nothing was paid twice');
  expect(backend.callsTo('money_retry').map((c) => c.args)).toEqual([{ intentId }]);
  expect(backend.callsTo('money_send')).toHaveLength(1);
});

test('an over_limit refusal shows its kind and message and opens no dialog', async ({ page, backend }) => {
  const { money } = await openUser(page, backend);
  money.limits.set('local', { per_action_cents: 1000, per_day_cents: null });
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill('20');
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('error-kind')).toHaveText('over_limit');
  await expect(page.getByTestId('error-message')).toHaveText('$20.00 is over the per-action limit of $10.00 in Local sandbox');
  await expect(page.getByTestId('money-confirm-dialog')).toHaveCount(0);
  expect(backend.callsTo('money_send')).toHaveLength(0);
});

test('an earlier unsettled payment: retry it, or a new payment anyway after a second confirmation', async ({ page, backend }) => {
  const { money, user } = await openUser(page, backend);
  const earlier = money.addIntent({ action: { kind: 'fund', user_id: user.id, amount_cents: 500 }, recipient: `Ana Diaz (${user.id})` });
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill('5');
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('money-unresolved')).toBeVisible();
  await expect(page.getByTestId('money-unresolved-message')).toContainText(`intent ${earlier.id}`);
  await expect(page.getByTestId('money-confirm-dialog')).toHaveCount(0);

  // A new payment anyway: asked once more, then sent with replacing = the earlier intent.
  await page.getByTestId('money-new-anyway').click();
  await expect(page.getByTestId('money-confirm-warning')).toContainText('paid twice');
  expect(backend.callsTo('money_send')).toHaveLength(0);
  await page.getByTestId('money-confirm').click();
  await expect(page.getByTestId('money-outcome')).toHaveAttribute('data-state', 'done');
  expect(backend.callsTo('money_send').map((c) => c.args)).toEqual([
    { environmentId: 'local', request: { kind: 'fund', user_id: user.id, amount: '5' }, replacing: earlier.id },
  ]);
});

test('an earlier unsettled payment can be retried from the warning', async ({ page, backend }) => {
  const { money, user } = await openUser(page, backend);
  const earlier = money.addIntent({ action: { kind: 'fund', user_id: user.id, amount_cents: 500 }, recipient: `Ana Diaz (${user.id})` });
  await reviewFundExpectingUnresolved(page);
  await page.getByTestId('money-retry-earlier').click();
  await expect(page.getByTestId('money-outcome')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('money-unresolved')).toHaveCount(0);
  expect(backend.callsTo('money_retry').map((c) => c.args)).toEqual([{ intentId: earlier.id }]);
  expect(backend.callsTo('money_send')).toHaveLength(0);
});

async function reviewFundExpectingUnresolved(page: Page) {
  await page.getByTestId('user-fund').click();
  await page.getByTestId('fund-amount').fill('5');
  await page.getByTestId('fund-review').click();
  await expect(page.getByTestId('money-unresolved')).toBeVisible();
}

test('a payout link: made after confirming, handed off as a real link, watched, redelivered and canceled after asking', async ({ page, backend }) => {
  const { money, user } = await openUser(page, backend);
  await page.getByTestId('user-payout-link').click();
  await page.getByTestId('payout-amount').fill('30');
  await page.getByTestId('payout-delivery').selectOption('email');
  await page.getByTestId('payout-email').fill('ana@example.com');
  await page.getByTestId('payout-memo').fill('March bonus');
  await page.getByTestId('payout-description').fill('Thanks!');
  await expect(page.getByTestId('payout-direction')).toContainText('Pays $30.00');
  await page.getByTestId('payout-review').click();
  await expect(page.getByTestId('money-summary-amount')).toHaveText('$30.00');
  expect(backend.callsTo('money_send')).toHaveLength(0);
  await page.getByTestId('money-confirm').click();

  const request = backend.callsTo('money_send')[0]!.args.request;
  expect(request).toEqual({
    kind: 'payout_link',
    amount: '30',
    delivery: { method: 'email' },
    user_id: user.id,
    payee: { email: 'ana@example.com' },
    memo: 'March bonus',
    description: 'Thanks!',
  });
  const [id] = [...money.links.keys()];
  const link = money.links.get(id!)!;
  const a = page.getByTestId('payout-link');
  await expect(a).toHaveText(link.link);
  expect(await a.evaluate((el) => el.tagName)).toBe('A');
  await expect(a).toHaveAttribute('href', link.link);
  await expect(page.getByTestId('payout-link-status')).toHaveText('delivery_pending');
  await expect(page.getByTestId('payout-link-qr')).toBeVisible();

  // Watched with the flows' scheduler, in the environment it was made in.
  await expect.poll(() => backend.callsTo('payout_link_watch').map((c) => c.args)).toEqual([{ environmentId: 'local', id }]);
  await emitEvent(page, 'flow-watch', money.linkEvent(id!, 'delivered'));
  await expect(page.getByTestId('payout-link-status')).toHaveText('delivered');
  // Events about something else change nothing.
  await emitEvent(page, 'flow-watch', { ...(money.linkEvent(id!, 'delivered') as object), id: 'other' });
  await expect(page.getByTestId('payout-link-status')).toHaveText('delivered');

  await a.click();
  await expect.poll(() => backend.callsTo('plugin:opener|open_url').map((c) => c.args.url)).toEqual([link.link]);
  await page.getByTestId('payout-link-copy').click();
  await expect.poll(() => backend.clipboard).toBe(link.link);

  await page.getByTestId('payout-link-redeliver').click();
  await expect(page.getByTestId('toast')).toHaveText('Payout link delivered again');
  expect(backend.callsTo('payout_link_redeliver').map((c) => c.args)).toEqual([{ environmentId: 'local', id }]);

  // Cancel asks first: "No" keeps it.
  await page.getByTestId('payout-link-cancel').click();
  await expect(page.getByTestId('payout-link-cancel-ask')).toBeVisible();
  await page.getByTestId('payout-link-cancel-ask-no').click();
  expect(backend.callsTo('payout_link_cancel')).toHaveLength(0);
  await page.getByTestId('payout-link-cancel').click();
  await page.getByTestId('payout-link-cancel-ask-yes').click();
  await expect(page.getByTestId('payout-link-status')).toHaveText('canceled');
  expect(backend.callsTo('payout_link_cancel').map((c) => c.args)).toEqual([{ environmentId: 'local', id }]);
  await expect(page.getByTestId('payout-link-cancel')).toBeDisabled();
});

test('a payout link for a payee without a user, from the Money view; the activity lists it', async ({ page, backend }) => {
  const money = moneyOf(backend);
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
  expect(backend.callsTo('money_send')[0]!.args.request).toEqual({
    kind: 'payout_link',
    amount: '15.75',
    delivery: { method: 'sms' },
    payee: { first_name: 'Dee', last_name: 'Park', country_code: '1', phone_number: '4155550123' },
  });
  await emitEvent(page, 'flow-watch', money.linkEvent([...money.links.keys()][0]!, 'claimed'));
  await expect(page.getByTestId('payout-link-status')).toHaveText('claimed');

  await page.getByTestId('activity-refresh').click();
  const intent = money.intents[0]!;
  await expect(page.getByTestId(`intent-state-${intent.id}`)).toHaveText('done');
  await expect(page.getByTestId(`intent-${intent.id}`)).toContainText('$15.75');
  await expect(page.getByTestId(`intent-retry-${intent.id}`)).toHaveCount(0);
});

test('money activity: an unsettled intent is retried with the same key', async ({ page, backend }) => {
  const money = moneyOf(backend);
  const open = money.addIntent({ action: { kind: 'fund', user_id: '0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60', amount_cents: 2500 }, recipient: 'Eve' });
  const settled = money.addIntent({ action: { kind: 'fund', user_id: '0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f61', amount_cents: 100 }, state: 'done', message: null });
  await openApp(page);
  await page.getByTestId('open-money').click();
  await expect(page.getByTestId(`intent-state-${open.id}`)).toContainText('unknown');
  await expect(page.getByTestId(`intent-retry-${settled.id}`)).toHaveCount(0);
  await page.getByTestId(`intent-retry-${open.id}`).click();
  await expect(page.getByTestId('money-outcome')).toHaveAttribute('data-state', 'done');
  expect(backend.callsTo('money_retry').map((c) => c.args)).toEqual([{ intentId: open.id }]);
  await expect(page.getByTestId(`intent-state-${open.id}`)).toContainText('done');
  await expect(page.getByTestId(`intent-retry-${open.id}`)).toHaveCount(0);
});
