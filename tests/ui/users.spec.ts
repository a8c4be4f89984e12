import type { Page } from '@playwright/test';
import { formatCents, parseDollars } from '../../ui/src/payouts/cents';
import type { FakeBackend } from './fake-backend';
import { moneyOf } from './fake-money';
import { addSteps, createButton, emitEvent, expect, openApp, test } from './fake-fixtures';

/** The app on the Users view. */
async function openUsers(page: Page) {
  await openApp(page);
  await page.getByTestId('open-users').click();
  await expect(page.getByTestId('users-view')).toBeVisible();
}

async function openUserById(page: Page, id: string) {
  await page.getByTestId('user-id-input').fill(id);
  await page.getByTestId('user-open').click();
  await expect(page.getByTestId('user-detail')).toHaveAttribute('data-user-id', id);
}

/** Each test id shows exactly its text (the facts of one user, say). */
async function expectTexts(page: Page, texts: Record<string, string>) {
  for (const [testId, text] of Object.entries(texts)) await expect(page.getByTestId(testId)).toHaveText(text);
}

test('formatCents uses integer math: dollars and two-digit cents, grouped, signed', () => {
  expect(formatCents(0)).toBe('$0.00');
  expect(formatCents(5)).toBe('$0.05');
  expect(formatCents(10)).toBe('$0.10');
  expect(formatCents(100)).toBe('$1.00');
  expect(formatCents(123456)).toBe('$1,234.56');
  expect(formatCents(-250)).toBe('-$2.50');
  // 0.1 + 0.2 style float drift never shows: 1.10 stays 1.10.
  expect(formatCents(110)).toBe('$1.10');
  expect(formatCents(900719925474099)).toBe('$9,007,199,254,740.99');
  expect(parseDollars('12')).toEqual({ cents: 1200, error: null });
  expect(parseDollars('12.5')).toEqual({ cents: 1250, error: null });
  expect(parseDollars('$1,234.05')).toEqual({ cents: 123405, error: null });
  expect(parseDollars('.5')).toEqual({ cents: 50, error: null });
  expect(parseDollars('0.29').cents).toBe(29);
  expect(parseDollars('1.234').error).toContain('more than two decimals');
  expect(parseDollars('abc').error).toContain('not an amount');
  expect(parseDollars('-5').error).toContain('not an amount');
  expect(parseDollars('').error).toContain('Enter an amount');
});

test('the list filters by status and pages with cursors', async ({ page, backend }) => {
  const money = moneyOf(backend);
  for (let i = 0; i < 30; i++) {
    money.addUser({ first_name: `User${String(i).padStart(2, '0')}`, email: `u${i}@example.com`, status: i % 10 === 0 ? 'disabled' : 'verified' });
  }
  await openUsers(page);
  const rows = page.locator('[data-testid^="user-row-"]');
  await expect(rows).toHaveCount(25);
  await expect(page.getByTestId(`user-row-${money.users[0]!.id}`)).toContainText('User00');
  await expect(page.getByTestId(`user-row-${money.users[0]!.id}`)).toContainText('$1,234.56');
  await expect(page.getByTestId('users-prev')).toBeDisabled();

  await page.getByTestId('users-next').click();
  await expect(rows).toHaveCount(5);
  await expect(page.getByTestId('users-page')).toHaveText('Page 2');
  await expect(page.getByTestId('users-next')).toBeDisabled();
  expect(backend.callsTo('users_list').at(-1)!.args).toEqual({
    environmentId: 'local',
    filter: { limit: 25, starting_after: money.users[24]!.id },
  });

  await page.getByTestId('users-prev').click();
  await expect(rows).toHaveCount(25);
  expect(backend.callsTo('users_list').at(-1)!.args.filter).toEqual({ limit: 25, ending_before: money.users[25]!.id });

  await page.getByTestId('users-status-filter').selectOption('disabled');
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('users-page')).toHaveText('Page 1');
  expect(backend.callsTo('users_list').at(-1)!.args.filter).toEqual({ limit: 25, status: 'disabled' });

  await page.getByTestId('users-status-filter').selectOption('in_review');
  await expect(page.getByTestId('users-empty')).toContainText('No users with status in_review');
});

test('a user shows contact, status, wallet in dollars and cents, payout methods and compliance', async ({ page, backend }) => {
  const money = moneyOf(backend);
  const user = money.addUser({ wallet: { amount: 123456, withdrawable_amount: 100005 } });
  money.methods.set(user.id, [
    { platform: 'paypal', description: 'PayPal', mask: null, email: 'ana@paypal.example' },
    { platform: 'ach', description: 'Checking', mask: '6789', email: null },
  ]);
  await openUsers(page);
  await openUserById(page, user.id);
  await expectTexts(page, {
    'user-name': 'Ana Diaz',
    'user-email': 'ana@example.com',
    'user-phone': '+1 4155550100',
    'user-status': 'verified',
    'user-wallet-amount': '$1,234.56',
    'user-wallet-withdrawable': '$1,000.05',
    'user-default-payout-method': 'paypal',
    'user-tax-id-verification': 'verified',
    'user-id-verified': 'yes',
    'user-criminal-activity': 'no',
  });
  await expect(page.getByTestId('user-payout-method-paypal')).toContainText('ana@paypal.example');
  await expect(page.getByTestId('user-payout-method-ach')).toContainText('••6789');
  await expect(page.getByTestId('user-background-check')).toContainText('clear');
  // No criminal activity: no banner at all.
  await expect(page.getByTestId('criminal-activity')).toHaveCount(0);
  expect(backend.callsTo('user_get').map((c) => c.args)).toEqual([{ environmentId: 'local', userId: user.id }]);
});

test('criminal activity reported by the background check is shown plainly', async ({ page, backend }) => {
  const money = moneyOf(backend);
  const user = money.addUser({
    first_name: 'Bo',
    last_name: 'Kent',
    status: 'in_review',
    compliance: {
      tax_id_verification: 'pending',
      id_verified: false,
      has_criminal_activity: true,
      background_check: { status: 'consider', updated: null },
      flagged: true,
    },
  });
  money.methodsError.set(user.id, 'Dots is unavailable (503)');
  await openUsers(page);
  // Opened from the list this time.
  await page.getByTestId(`user-open-${user.id}`).click();
  await expect(page.getByTestId('user-name')).toHaveText('Bo Kent');
  const banner = page.getByTestId('criminal-activity');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveText('Criminal activity reported by the background check');
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('user-criminal-activity')).toHaveText('REPORTED');
  await expect(page.getByTestId('user-background-check')).toHaveText('consider');
  await expect(page.getByTestId('user-id-verified')).toHaveText('no');
  await expect(page.getByTestId('user-status')).toHaveText('in_review');
  // The payout methods could not be read: said so, the user is still shown.
  await expect(page.getByTestId('user-payout-methods-error')).toContainText('Dots is unavailable (503)');
});

test('an id that is not a user id shows the kind and message', async ({ page, backend }) => {
  moneyOf(backend);
  await openUsers(page);
  await page.getByTestId('user-id-input').fill('12345');
  await page.getByTestId('user-id-input').press('Enter');
  await expect(page.getByTestId('error-kind')).toHaveText('invalid');
  await expect(page.getByTestId('error-message')).toHaveText('"12345" is not a Dots user id (a UUID)');
});

test('"New flow for this user" fills the builder\'s user id', async ({ page, backend }) => {
  const user = moneyOf(backend).addUser();
  await openUsers(page);
  await openUserById(page, user.id);
  await page.getByTestId('user-new-flow').click();
  await expect(page.getByTestId('user-id')).toBeVisible();
  await expect(page.getByTestId('user-id')).toHaveValue(user.id);
  await addSteps(page, 'compliance');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(backend.lastRequest('create_flow')?.user_id).toBe(user.id);
});

async function createAndClaim(page: Page, backend: FakeBackend, userId: string) {
  await addSteps(page, 'compliance');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const [flow] = [...backend.flows.values()];
  backend.claim(flow!.id, userId);
  await emitEvent(page, 'flow-watch', backend.watchEvent(flow!.id));
  await expect(page.getByTestId('flow-claimed')).toHaveText(`Claimed by user ${userId}`);
}

test('a claimed flow opens its user in the Users view', async ({ page, backend }) => {
  const user = moneyOf(backend).addUser({ first_name: 'Cy', last_name: 'Moss' });
  await openApp(page);
  await createAndClaim(page, backend, user.id);
  await page.getByTestId('flow-open-user').click();
  await expect(page.getByTestId('users-view')).toBeVisible();
  await expect(page.getByTestId('user-detail')).toHaveAttribute('data-user-id', user.id);
  await expect(page.getByTestId('user-name')).toHaveText('Cy Moss');
  await expect(page.getByTestId('user-id-input')).toHaveValue(user.id);
});
