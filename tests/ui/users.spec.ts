import type { Page } from '@playwright/test';
import { formatCents } from '../../ui/src/payouts/cents';
import type { Page as UserPage } from '../../ui/src/bindings/Page';
import type { User } from '../../ui/src/bindings/User';
import type { Core } from './core';
import { addSteps, createButton, expect, openApp, test } from './fixtures';

/** A user in Dots (the local sandbox's seed control); Ana Diaz, verified, unless told. */
async function seedUser(core: Core, patch: Record<string, unknown> = {}): Promise<string> {
  const user = await core.sandbox.seedUser({
    first_name: 'Ana',
    last_name: 'Diaz',
    email: 'ana@example.com',
    country_code: '1',
    phone_number: '4155550100',
    status: 'verified',
    id_verified: true,
    has_criminal_activity: false,
    tax_id_verification: 'matched',
    background_check_status: 'pass',
    wallet_cents: 123456,
    default_payout_method: 'paypal',
    ...patch,
  });
  return user.id;
}

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
});

test('typed dollars are read by the core, the same reading it sends with', async ({ core }) => {
  const read = (text: string) => core.invoke<{ cents: number | null; error: string | null }>('amount_preview', { text });
  expect(await read('12')).toEqual({ cents: 1200, error: null });
  expect(await read('12.5')).toEqual({ cents: 1250, error: null });
  expect(await read('$1,234.05')).toEqual({ cents: 123405, error: null });
  expect((await read('0.29')).cents).toBe(29);
  for (const refused of ['1,2,3', '1.234', 'abc', '-5', '', '20000000']) {
    const r = await read(refused);
    expect(r.cents, refused).toBeNull();
    expect(r.error, refused).toBeTruthy();
  }
});

test('the list filters by status and pages with cursors', async ({ page, core }) => {
  for (let i = 0; i < 30; i++) {
    await seedUser(core, { first_name: `User${String(i).padStart(2, '0')}`, email: `u${i}@example.com`, status: i % 10 === 0 ? 'disabled' : 'verified' });
  }
  // Dots' own order (the local sandbox's), all 30 in one page.
  const all = await core.invoke<UserPage<User>>('users_list', { environmentId: 'local', filter: { limit: 100 } });
  const ids = all.data.map((u) => u.id);
  expect(ids).toHaveLength(30);
  await openUsers(page);
  const rows = page.locator('[data-testid^="user-row-"]');
  await expect(rows).toHaveCount(25);
  await expect(page.getByTestId(`user-row-${ids[0]}`)).toContainText(all.data[0]!.first_name!);
  await expect(page.getByTestId(`user-row-${ids[0]}`)).toContainText('$1,234.56');
  await expect(page.getByTestId('users-prev')).toBeDisabled();

  await page.getByTestId('users-next').click();
  await expect(rows).toHaveCount(5);
  await expect(page.getByTestId('users-page')).toHaveText('Page 2');
  await expect(page.getByTestId('users-next')).toBeDisabled();
  expect(core.callsTo('users_list').at(-1)!.args).toEqual({
    environmentId: 'local',
    filter: { limit: 25, starting_after: ids[24] },
  });

  await page.getByTestId('users-prev').click();
  await expect(rows).toHaveCount(25);
  expect(core.callsTo('users_list').at(-1)!.args.filter).toEqual({ limit: 25, ending_before: ids[25] });

  await page.getByTestId('users-status-filter').selectOption('disabled');
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('users-page')).toHaveText('Page 1');
  expect(core.callsTo('users_list').at(-1)!.args.filter).toEqual({ limit: 25, status: 'disabled' });

  await page.getByTestId('users-status-filter').selectOption('in_review');
  await expect(page.getByTestId('users-empty')).toContainText('No users with status in_review');
});

test('a user shows contact, status, wallet in dollars and cents, payout methods and compliance', async ({ page, core }) => {
  const id = await seedUser(core, { wallet_cents: 100005, payout_methods: ['paypal', 'ach'] });
  await openUsers(page);
  await openUserById(page, id);
  await expectTexts(page, {
    'user-name': 'Ana Diaz',
    'user-email': 'ana@example.com',
    'user-phone': '+1 4155550100',
    'user-status': 'verified',
    'user-wallet-amount': '$1,000.05',
    'user-wallet-withdrawable': '$1,000.05',
    'user-default-payout-method': 'paypal',
    'user-tax-id-verification': 'matched',
    'user-id-verified': 'yes',
    'user-criminal-activity': 'no',
  });
  await expect(page.getByTestId('user-payout-method-paypal')).toContainText('paypal (sandbox)');
  await expect(page.getByTestId('user-payout-method-ach')).toContainText('ach (sandbox)');
  await expect(page.getByTestId('user-background-check')).toContainText('pass');
  // No criminal activity: no banner at all.
  await expect(page.getByTestId('criminal-activity')).toHaveCount(0);
  expect(core.callsTo('user_get').map((c) => c.args)).toEqual([{ environmentId: 'local', userId: id }]);
});

test('criminal activity reported by the background check is shown plainly', async ({ page, core }) => {
  const id = await seedUser(core, {
    first_name: 'Bo',
    last_name: 'Kent',
    status: 'in_review',
    tax_id_verification: 'pending',
    id_verified: false,
    has_criminal_activity: true,
    background_check_status: 'consider',
  });
  const user = { id };
  await openUsers(page);
  // Dots fails every read of the payout methods (503).
  await core.sandbox.fault({ fault: { kind: 'status', status: 503 }, count: 100, method: 'GET', path_prefix: `/api/v2/users/${id}/payout-methods` });
  // Opened from the list this time.
  await page.getByTestId(`user-open-${user.id}`).click();
  await expect(page.getByTestId('user-name')).toHaveText('Bo Kent');
  const banner = page.getByTestId('criminal-activity');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveText('Criminal activity reported by the background check');
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('user-criminal-activity')).toHaveText('REPORTED');
  await expect(page.getByTestId('user-background-check')).toContainText('consider');
  await expect(page.getByTestId('user-id-verified')).toHaveText('no');
  await expect(page.getByTestId('user-status')).toHaveText('in_review');
  // The payout methods could not be read: said so, the user is still shown.
  await expect(page.getByTestId('user-payout-methods-error')).toContainText('503');
});

test('an id that is not a user id shows the kind and message', async ({ page }) => {
  await openUsers(page);
  await page.getByTestId('user-id-input').fill('12345');
  await page.getByTestId('user-id-input').press('Enter');
  await expect(page.getByTestId('error-kind')).toHaveText('invalid');
  await expect(page.getByTestId('error-message')).toHaveText('"12345" is not a Dots user id (a UUID)');
});

test('"New flow for this user" fills the builder\'s user id', async ({ page, core }) => {
  const user = { id: await seedUser(core) };
  await openUsers(page);
  await openUserById(page, user.id);
  await page.getByTestId('user-new-flow').click();
  await expect(page.getByTestId('user-id')).toBeVisible();
  await expect(page.getByTestId('user-id')).toHaveValue(user.id);
  await addSteps(page, 'compliance');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(core.lastRequest('create_flow')?.user_id).toBe(user.id);
});

async function createAndClaim(page: Page, core: Core, userId: string) {
  await addSteps(page, 'compliance');
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  await core.sandbox.claim((await page.getByTestId('flow-id').textContent())!, userId);
  await page.getByTestId('refresh-flow').click();
  await expect(page.getByTestId('flow-claimed')).toHaveText(`Claimed by user ${userId}`);
}

test('a claimed flow opens its user in the Users view', async ({ page, core }) => {
  const user = { id: await seedUser(core, { first_name: 'Cy', last_name: 'Moss' }) };
  await openApp(page);
  await createAndClaim(page, core, user.id);
  await page.getByTestId('flow-open-user').click();
  await expect(page.getByTestId('users-view')).toBeVisible();
  await expect(page.getByTestId('user-detail')).toHaveAttribute('data-user-id', user.id);
  await expect(page.getByTestId('user-name')).toHaveText('Cy Moss');
  await expect(page.getByTestId('user-id-input')).toHaveValue(user.id);
});
