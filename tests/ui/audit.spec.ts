import fs from 'node:fs';
import type { AuditEntry } from '../../ui/src/bindings/AuditEntry';
import path from 'node:path';
import type { AuditRead } from '../../ui/src/bindings/AuditRead';
import { expect, openApp, test } from './fixtures';

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

/** The audit log as an earlier run of the app left it, one JSON line per entry. */
function auditLog(entries: AuditEntry[], broken = 0): string {
  return [...entries.map((e) => JSON.stringify(e)), ...Array.from({ length: broken }, (_, i) => `{"time": "cut off ${i}`)].join('\n') + '\n';
}

test.describe('with an audit log of two entries and two unreadable lines', () => {
  test.use({ hostOptions: { files: { 'audit.jsonl': auditLog(ENTRIES, 2) } } });

  test('the audit log lists every entry, with the skipped lines said', async ({ page, core }) => {
    expect((await core.invoke<AuditRead>('audit_read')).skipped_lines).toBe(2);
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

  test('Export CSV downloads audit.csv with the core\'s CSV', async ({ page, core }) => {
    await openApp(page);
    await page.getByTestId('open-audit').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
    expect(download.suggestedFilename()).toBe('audit.csv');
    const text = fs.readFileSync(await download.path(), 'utf-8');
    expect(text).toBe(await core.invoke<string>('audit_export_csv'));
    expect(text).toContain('wallet.fund');
    expect(text).toContain('Dots did not answer in time');
    expect(core.callsTo('audit_export_csv')).toHaveLength(1);
  });
});

test.describe('with an audit log of one entry', () => {
  test.use({ hostOptions: { files: { 'audit.jsonl': auditLog(ENTRIES.slice(0, 1)) } } });

  test('no skipped lines: no notice; an unreadable log shows kind and message', async ({ page, core }) => {
    await openApp(page);
    await page.getByTestId('open-audit').click();
    await expect(page.getByTestId('audit-row-0')).toBeVisible();
    await expect(page.getByTestId('audit-skipped')).toHaveCount(0);

    // The log cannot be read (a folder stands in its place).
    const log = path.join(core.host.dataDir, 'audit.jsonl');
    fs.rmSync(log);
    fs.mkdirSync(log);
    await page.getByTestId('audit-refresh').click();
    await expect(page.getByTestId('error-kind')).toHaveText('io');
    await expect(page.getByTestId('error-message')).toContainText(log);
  });
});

test.describe('with an audit log longer than the screen shows', () => {
  const many = Array.from({ length: 502 }, (_, i) => ({ ...ENTRIES[0], recipient: `Payee ${i}.`, intent_id: `i-${i}` }));
  test.use({ hostOptions: { files: { 'audit.jsonl': auditLog(many) } } });

  test('only the latest 500 entries are asked for and shown, with the total said', async ({ page, core }) => {
    await openApp(page);
    await page.getByTestId('open-audit').click();
    await expect(page.getByTestId('audit-shown')).toContainText('The latest 500 of 502 entries');
    await expect(page.locator('[data-testid^="audit-row-"]')).toHaveCount(500);
    await expect(page.getByTestId('audit-row-0')).toContainText('Payee 2.');
    await expect(page.getByTestId('audit-row-499')).toContainText('Payee 501.');
    expect(core.callsTo('audit_read').map((c) => c.args)).toEqual([{ limit: 500 }]);
  });
});

test('limits are edited in dollars and sent as integer cents; more than two decimals is refused', async ({ page, core }) => {
  await core.invoke('limits_set', { environmentId: 'local', limits: { per_action_cents: 50000, per_day_cents: null } });
  await openApp(page);
  await page.getByTestId('open-audit').click();
  await expect(page.getByTestId('limits-per-action')).toHaveValue('500.00');
  await expect(page.getByTestId('limits-per-day')).toHaveValue('');
  await expect(page.getByTestId('limits-current')).toContainText('$500.00 per action, no limit per day');

  await page.getByTestId('limits-per-action').fill('250.5');
  await page.getByTestId('limits-per-day').fill('1.234');
  await expect(page.getByTestId('limits-problem')).toContainText('at most 2 decimals');
  await expect(page.getByTestId('limits-save')).toBeDisabled();

  await page.getByTestId('limits-per-day').fill('$1,000');
  await expect(page.getByTestId('limits-problem')).toHaveCount(0);
  await page.getByTestId('limits-save').click();
  await expect(page.getByTestId('limits-saved')).toBeVisible();
  expect(core.callsTo('limits_set').map((c) => c.args)).toEqual([
    { environmentId: 'local', limits: { per_action_cents: 25050, per_day_cents: 100000 } },
  ]);

  // Emptied: no limit (null).
  await page.getByTestId('limits-per-action').fill('');
  await page.getByTestId('limits-save').click();
  await expect.poll(() => core.callsTo('limits_set').at(-1)?.args.limits).toEqual({ per_action_cents: null, per_day_cents: 100000 });
  await expect(page.getByTestId('limits-current')).toContainText('no limit per action, $1,000.00 per day');
  expect(await core.invoke('limits_get', { environmentId: 'local' })).toEqual({ per_action_cents: null, per_day_cents: 100000 });
});
