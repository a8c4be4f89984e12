import fs from 'node:fs';
import type { AuditEntry } from '../../ui/src/bindings/AuditEntry';
import { Rejection } from './fake-backend';
import { moneyOf } from './fake-money';
import { expect, openApp, test } from './fake-fixtures';

const ENTRIES: AuditEntry[] = [
  {
    time: '2026-03-01T10:00:00Z',
    os_user: 'sam',
    environment: 'sandbox',
    action: 'wallet.fund',
    amount_cents: 123405,
    recipient: 'Ana Diaz (0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60)',
    idempotency_key: 'k-1',
    intent_id: 'i-1',
    result: 'done',
    dots_ids: ['tr_123'],
    message: null,
  },
  {
    time: '2026-03-01T11:00:00Z',
    os_user: 'kim',
    environment: 'local',
    action: 'payout_link.create',
    amount_cents: 5,
    recipient: 'Dee Park',
    idempotency_key: 'k-2',
    intent_id: 'i-2',
    result: 'unknown',
    dots_ids: [],
    message: 'Dots did not answer in time',
  },
];

test('the audit log lists every entry, with the skipped lines said', async ({ page, backend }) => {
  const money = moneyOf(backend);
  money.audit = structuredClone(ENTRIES);
  money.skippedLines = 2;
  await openApp(page);
  await page.getByTestId('open-audit').click();
  await expect(page.locator('[data-testid^="audit-row-"]')).toHaveCount(2);
  const first = page.getByTestId('audit-row-0');
  await expect(first).toContainText('sam');
  await expect(first).toContainText('sandbox');
  await expect(first).toContainText('wallet.fund');
  await expect(first).toContainText('Ana Diaz');
  await expect(first).toContainText('tr_123');
  await expect(page.getByTestId('audit-amount-0')).toHaveText('$1,234.05');
  await expect(page.getByTestId('audit-amount-1')).toHaveText('$0.05');
  await expect(page.getByTestId('audit-result-1')).toContainText('unknown');
  await expect(page.getByTestId('audit-result-1')).toContainText('Dots did not answer in time');
  await expect(page.getByTestId('audit-skipped')).toContainText('2 lines of the audit log could not be read');
});

test('no skipped lines: no notice; an unreadable log shows kind and message', async ({ page, backend }) => {
  const money = moneyOf(backend);
  money.audit = structuredClone(ENTRIES.slice(0, 1));
  await openApp(page);
  await page.getByTestId('open-audit').click();
  await expect(page.getByTestId('audit-row-0')).toBeVisible();
  await expect(page.getByTestId('audit-skipped')).toHaveCount(0);

  backend.on('audit_read', () => {
    throw new Rejection({ kind: 'io', message: 'The audit log could not be read: permission denied' });
  });
  await page.getByTestId('audit-refresh').click();
  await expect(page.getByTestId('error-kind')).toHaveText('io');
  await expect(page.getByTestId('error-message')).toHaveText('The audit log could not be read: permission denied');
});

test('Export CSV downloads audit.csv with the backend\'s CSV', async ({ page, backend }) => {
  const money = moneyOf(backend);
  money.audit = structuredClone(ENTRIES);
  await openApp(page);
  await page.getByTestId('open-audit').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
  expect(download.suggestedFilename()).toBe('audit.csv');
  const text = fs.readFileSync(await download.path(), 'utf-8');
  expect(text).toBe(money.handle('audit_export_csv', {}));
  expect(text).toContain('wallet.fund');
  expect(backend.callsTo('audit_export_csv')).toHaveLength(1);
});

test('limits are edited in dollars and sent as integer cents; more than two decimals is refused', async ({ page, backend }) => {
  const money = moneyOf(backend);
  money.limits.set('local', { per_action_cents: 50000, per_day_cents: null });
  await openApp(page);
  await page.getByTestId('open-audit').click();
  await expect(page.getByTestId('limits-per-action')).toHaveValue('500.00');
  await expect(page.getByTestId('limits-per-day')).toHaveValue('');
  await expect(page.getByTestId('limits-current')).toContainText('$500.00 per action, no limit per day');

  await page.getByTestId('limits-per-action').fill('250.5');
  await page.getByTestId('limits-per-day').fill('1.234');
  await expect(page.getByTestId('limits-problem')).toContainText('more than two decimals');
  await expect(page.getByTestId('limits-save')).toBeDisabled();

  await page.getByTestId('limits-per-day').fill('$1,000');
  await expect(page.getByTestId('limits-problem')).toHaveCount(0);
  await page.getByTestId('limits-save').click();
  await expect(page.getByTestId('limits-saved')).toBeVisible();
  expect(backend.callsTo('limits_set').map((c) => c.args)).toEqual([
    { environmentId: 'local', limits: { per_action_cents: 25050, per_day_cents: 100000 } },
  ]);

  // Emptied: no limit (null).
  await page.getByTestId('limits-per-action').fill('');
  await page.getByTestId('limits-save').click();
  await expect.poll(() => backend.callsTo('limits_set').at(-1)?.args.limits).toEqual({ per_action_cents: null, per_day_cents: 100000 });
  await expect(page.getByTestId('limits-current')).toContainText('no limit per action, $1,000.00 per day');
});
