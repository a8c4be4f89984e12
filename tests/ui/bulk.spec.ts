import fs from 'node:fs';
import type { Page } from '@playwright/test';
import type { Template } from '../../ui/src/bindings/Template';
import { Rejection, type FakeBackend } from './fake-backend';
import { bulkOf } from './fake-bulk';
import { emitEvent, expect, openApp, test } from './fake-fixtures';

const CSV = [
  'email,name,reference,user_id,team',
  'ana@example.com,Ana,T-1,,blue',
  'not-an-email,Bob,T-2,,red',
  'cy@example.com,Cy,T-3,,blue',
  'dee@example.com,Dee,T-4,12345,green',
  'ana@example.com,Ana again,T-5,,blue',
].join('\n');

const TEMPLATES: Template[] = [
  { name: 'KYC only', steps: [{ name: 'id-verification' }] },
  {
    name: 'Payouts',
    steps: [{ name: 'compliance' }, { name: 'manage-payouts', auto_payout_enabled: true }],
    hide_go_to_dashboard_on_complete: true,
  },
];

/** The app with the bulk view open and the templates above saved. */
async function openBulk(page: Page, backend: FakeBackend) {
  backend.on('templates_list', () => TEMPLATES);
  const bulk = bulkOf(backend);
  await openApp(page);
  await page.getByTestId('open-bulk').click();
  await expect(page.getByTestId('bulk-view')).toBeVisible();
  return bulk;
}

async function pickCsv(page: Page, text: string | Buffer, name = 'people.csv') {
  await page.getByTestId('bulk-file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: typeof text === 'string' ? Buffer.from(text, 'utf-8') : text,
  });
}

/** Picks the file and the template and starts; returns the batch id the backend made. */
async function startBatch(page: Page, backend: FakeBackend, template = 'Payouts'): Promise<string> {
  await pickCsv(page, CSV);
  await page.getByTestId('bulk-template').selectOption(template);
  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('bulk-run')).toBeVisible();
  const id = await page.getByTestId('bulk-run').getAttribute('data-batch-id');
  expect(id).toBeTruthy();
  expect(backend.callsTo('bulk_start')).toHaveLength(1);
  return id!;
}

test('the preview flags invalid rows with their reasons, counts them and shows the warnings', async ({ page, backend }) => {
  await openBulk(page, backend);
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toHaveText('Choose a CSV file.');

  await pickCsv(page, CSV);
  await expect(page.getByTestId('bulk-counts')).toHaveText('3 valid, 2 invalid');
  // The raw bytes went to the backend, which parses the file.
  const sent = backend.callsTo('bulk_preview')[0]!.args.bytes as number[];
  expect(Buffer.from(sent).toString('utf-8')).toBe(CSV);

  await expect(page.getByTestId('bulk-row-1')).toHaveAttribute('data-state', 'pending');
  await expect(page.getByTestId('bulk-row-2')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('bulk-detail-2')).toHaveText('"not-an-email" is not an email address');
  await expect(page.getByTestId('bulk-row-4')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('bulk-detail-4')).toHaveText('User id "12345" is not a UUID');
  await expect(page.getByTestId('bulk-row-5')).toHaveAttribute('data-state', 'pending');
  await expect(page.getByTestId('bulk-warnings')).toContainText('Ignored column(s): team');
  await expect(page.getByTestId('bulk-warnings')).toContainText('Row 5: ana@example.com is also on row 1');

  // Still no template: Start says so.
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toHaveText('Choose a step template.');
  await page.getByTestId('bulk-template').selectOption('KYC only');
  await expect(page.getByTestId('bulk-start')).toBeEnabled();
  await page.getByTestId('bulk-concurrency').fill('0');
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toContainText('Concurrency must be a whole number');
});

test('a file with no valid row cannot be started, and a non-UTF-8 file is reported', async ({ page, backend }) => {
  await openBulk(page, backend);
  await page.getByTestId('bulk-template').selectOption('KYC only');
  await pickCsv(page, 'email\nnope\n');
  await expect(page.getByTestId('bulk-counts')).toHaveText('0 valid, 1 invalid');
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toHaveText('The file has no valid row.');

  await pickCsv(page, Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xe9, 0x40, 0x78, 0x2e, 0x66, 0x72]), 'latin1.csv');
  await expect(page.getByTestId('error-kind')).toHaveText('invalid');
  await expect(page.getByTestId('error-message')).toContainText('not UTF-8');
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
});

test('start sends the file, the template, the environment and the concurrency', async ({ page, backend }) => {
  await openBulk(page, backend);
  await pickCsv(page, CSV);
  await page.getByTestId('bulk-template').selectOption('Payouts');
  await expect(page.getByTestId('bulk-concurrency')).toHaveValue('4');
  await page.getByTestId('bulk-concurrency').fill('2');
  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('bulk-run')).toBeVisible();

  const [call] = backend.callsTo('bulk_start');
  expect(Buffer.from(call!.args.bytes as number[]).toString('utf-8')).toBe(CSV);
  expect(call!.args.template).toEqual({
    steps: [{ name: 'compliance' }, { name: 'manage-payouts', auto_payout_enabled: true }],
    require_auth: null,
    hide_go_to_dashboard_on_complete: true,
  });
  expect(call!.args.environmentId).toBe('local');
  expect(call!.args.concurrency).toBe(2);
  expect(call!.args).not.toHaveProperty('confirmProduction');
  expect(backend.nativeDialog.asked).toEqual([]);

  await expect(page.getByTestId('bulk-status')).toHaveText('Running');
  await expect(page.getByTestId('bulk-progress')).toContainText('0 of 3 done: 0 created · 0 failed · 3 remaining (2 invalid rows skipped)');
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toContainText('A batch is running');
});

test('bulk-progress events update the counts and the rows', async ({ page, backend }) => {
  const bulk = await openBulk(page, backend);
  const id = await startBatch(page, backend);

  await emitEvent(page, 'bulk-progress', bulk.finish(id, 1, 'created'));
  await expect(page.getByTestId('bulk-created')).toHaveText('1');
  await expect(page.getByTestId('bulk-remaining')).toHaveText('2');
  await expect(page.getByTestId('bulk-row-1')).toHaveAttribute('data-state', 'created');
  const link = bulk.batch(id).rows[0]!.link!;
  await expect(page.getByTestId('bulk-link-1')).toHaveText(link);
  await expect(page.getByTestId('bulk-flow-1')).toHaveText(bulk.batch(id).rows[0]!.flow_id!);

  await emitEvent(page, 'bulk-progress', bulk.finish(id, 3, 'failed', 'Dots refused the request (422): bad email'));
  await expect(page.getByTestId('bulk-failed')).toHaveText('1');
  await expect(page.getByTestId('bulk-row-3')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('bulk-detail-3')).toHaveText('Dots refused the request (422): bad email');

  // The last row: the batch ends (running=false), Cancel goes away.
  await emitEvent(page, 'bulk-progress', bulk.finish(id, 5, 'created'));
  await expect(page.getByTestId('bulk-created')).toHaveText('2');
  await expect(page.getByTestId('bulk-remaining')).toHaveText('0');
  await expect(page.getByTestId('bulk-done')).toHaveText('3');
  await expect(page.getByTestId('bulk-status')).toHaveText('Finished');
  await expect(page.getByTestId('bulk-cancel')).toHaveCount(0);
  expect(backend.callsTo('bulk_rows').length).toBeGreaterThanOrEqual(3);

  // Per-row hand-off: copy, and email with the row's address.
  await page.getByTestId('bulk-copy-1').click();
  await expect.poll(() => backend.clipboard).toBe(link);
  await page.getByTestId('bulk-email-1').click();
  await expect.poll(() => backend.callsTo('email_open').length).toBe(1);
  expect(backend.callsTo('email_open')[0]!.args.draft).toEqual({
    link,
    steps: ['compliance', 'manage-payouts'],
    to: 'ana@example.com',
    reference: 'T-1',
  });
  // The draft is opened by the app itself: the page opens no mailto: URL.
  expect(backend.callsTo('plugin:opener|open_url')).toHaveLength(0);

  await page.getByTestId('bulk-copy-all').click();
  await expect.poll(() => backend.clipboard).toBe(bulk.batch(id).rows.filter((r) => r.link).map((r) => r.link).join('\n'));
});

test('cancel calls bulk_cancel for the running batch', async ({ page, backend }) => {
  await openBulk(page, backend);
  const id = await startBatch(page, backend);
  await page.getByTestId('bulk-cancel').click();
  await expect.poll(() => backend.callsTo('bulk_cancel').map((c) => c.args)).toEqual([{ batchId: id }]);
  // Stopped, not finished: it can be resumed from the list (the backend's final event says the same).
  await expect(page.getByTestId('bulk-status')).toHaveText('Stopped — can be resumed');
  await emitEvent(page, 'bulk-progress', bulkOf(backend).view(id));
  await expect(page.getByTestId('bulk-status')).toHaveText('Stopped — can be resumed');
  await expect(page.getByTestId('bulk-cancel')).toHaveCount(0);
  await expect(page.getByTestId(`bulk-resume-${id}`)).toBeVisible();
});

test('an unfinished batch from an earlier run is listed and resumed', async ({ page, backend }) => {
  const bulk = bulkOf(backend);
  const preview = bulk.parse([...Buffer.from(CSV)]);
  const rows = preview.rows.map((r) => (r.row === 1 ? { ...r, state: 'created' as const, flow_id: 'f-1', link: 'http://x/flow/f-1' } : r));
  const unfinished = bulk.seed(rows, { startedAt: '2026-11-24T09:00:00Z' });
  const done = bulk.seed(
    rows.map((r) => (r.state === 'pending' ? { ...r, state: 'created' as const } : r)),
    { startedAt: '2026-11-23T09:00:00Z' },
  );
  await openBulk(page, backend);

  await expect(page.getByTestId(`bulk-batch-${unfinished}`)).toContainText('1 created, 0 failed, 2 remaining');
  await expect(page.getByTestId(`bulk-batch-${unfinished}`)).toContainText('Stopped — can be resumed');
  await expect(page.getByTestId(`bulk-batch-${done}`)).toContainText('Finished');
  await expect(page.getByTestId(`bulk-resume-${done}`)).toHaveCount(0);

  await page.getByTestId(`bulk-resume-${unfinished}`).click();
  await expect.poll(() => backend.callsTo('bulk_resume').map((c) => c.args)).toEqual([{ batchId: unfinished }]);
  await expect(page.getByTestId('bulk-run')).toHaveAttribute('data-batch-id', unfinished);
  await expect(page.getByTestId('bulk-status')).toHaveText('Running');
  await expect(page.getByTestId('bulk-row-1')).toHaveAttribute('data-state', 'created');
  await expect(page.getByTestId('bulk-row-3')).toHaveAttribute('data-state', 'pending');
  await expect(page.getByTestId('bulk-cancel')).toBeVisible();

  await emitEvent(page, 'bulk-progress', bulk.finish(unfinished, 3, 'created'));
  await expect(page.getByTestId('bulk-created')).toHaveText('2');
});

test('Results CSV and Mail-merge CSV download the backend\'s CSV', async ({ page, backend }) => {
  const bulk = await openBulk(page, backend);
  const id = await startBatch(page, backend);
  await emitEvent(page, 'bulk-progress', bulk.finish(id, 1, 'created'));
  await expect(page.getByTestId('bulk-row-1')).toHaveAttribute('data-state', 'created');

  const [results] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bulk-export-results').click()]);
  expect(results.suggestedFilename()).toBe(`bulk-${id}-results.csv`);
  const text = fs.readFileSync(await results.path(), 'utf-8');
  expect(text).toBe(bulk.handle('bulk_results_csv', { batchId: id }));
  expect(text).toContain('ana@example.com');
  expect(backend.callsTo('bulk_results_csv').map((c) => c.args)).toEqual([{ batchId: id }]);

  const [mail] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bulk-export-mail').click()]);
  expect(mail.suggestedFilename()).toBe(`bulk-${id}-mail-merge.csv`);
  const merged = fs.readFileSync(await mail.path(), 'utf-8');
  expect(merged.split('\n')[0]).toBe('email,name,reference,link');
  expect(merged).toContain(bulk.batch(id).rows[0]!.link!);
});

test("a start in production is confirmed in the app's own dialog, naming the environment", async ({ page, backend }) => {
  backend.configure('production', 'sk_live_1234');
  backend.active = 'production';
  await openBulk(page, backend);
  await pickCsv(page, CSV);
  await page.getByTestId('bulk-template').selectOption('KYC only');
  await expect(page.getByTestId('bulk-start')).toHaveText('Create 3 flows in Production');

  // The native dialog (raised by the app, not the page) says no: nothing starts.
  backend.nativeDialog.answer = false;
  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('error-kind')).toHaveText('confirmation_required');
  await expect(page.getByTestId('bulk-run')).toHaveCount(0);
  expect(backend.nativeDialog.asked).toEqual([{ action: 'flow.batch', environment: 'Production', host: 'api.dots.dev' }]);

  backend.nativeDialog.answer = true;
  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('bulk-run')).toBeVisible();
  const call = backend.callsTo('bulk_start').at(-1);
  expect(call!.args.environmentId).toBe('production');
  expect(call!.args).not.toHaveProperty('confirmProduction');
});

test('a failed start shows the kind and message of the error', async ({ page, backend }) => {
  await openBulk(page, backend);
  backend.on('bulk_start', () => {
    throw new Rejection({ kind: 'not_configured', message: 'No API key is saved for Sandbox' });
  });
  await pickCsv(page, CSV);
  await page.getByTestId('bulk-template').selectOption('KYC only');
  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('error-kind')).toHaveText('not_configured');
  await expect(page.getByTestId('error-message')).toHaveText('No API key is saved for Sandbox');
  await expect(page.getByTestId('bulk-run')).toHaveCount(0);
});
