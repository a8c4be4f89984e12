import fs from 'node:fs';
import type { Page } from '@playwright/test';
import type { Template } from '../../ui/src/bindings/Template';
import type { BatchView } from '../../ui/src/bindings/BatchView';
import type { BulkRowView } from '../../ui/src/bindings/BulkRowView';
import type { Core } from './core';
import { expect, openApp, test } from './fixtures';

const CSV = [
  'email,name,reference,user_id,team',
  'ana@example.com,Ana,T-1,,blue',
  'not-an-email,Bob,T-2,,red',
  'cy@example.com,Cy,T-3,,blue',
  'dee@example.com,Dee,T-4,12345,green',
  'ana@example.com,Ana again,T-5,,blue',
  'eve@example.com,Eve,T-6,,red',
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
async function openBulk(page: Page, core: Core) {
  for (const template of TEMPLATES) await core.invoke('template_save', { template });
  await openApp(page);
  await page.getByTestId('open-bulk').click();
  await expect(page.getByTestId('bulk-view')).toBeVisible();
}

/** Each of the next `n` creates in Dots takes `ms` longer (the batch is seen running). */
async function slowCreates(core: Core, n: number, ms = 1500): Promise<void> {
  await core.sandbox.fault({ fault: { kind: 'latency', ms }, count: n, method: 'POST', path_prefix: '/api/v2/flows' });
}

function rows(core: Core, batchId: string): Promise<BulkRowView[]> {
  return core.invoke<BulkRowView[]>('bulk_rows', { batchId });
}

async function pickCsv(page: Page, text: string | Buffer, name = 'people.csv') {
  await page.getByTestId('bulk-file').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: typeof text === 'string' ? Buffer.from(text, 'utf-8') : text,
  });
}

/** Picks the file and the template and starts; returns the batch id the core made. */
async function startBatch(page: Page, core: Core, template = 'Payouts'): Promise<string> {
  await pickCsv(page, CSV);
  await page.getByTestId('bulk-template').selectOption(template);
  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('bulk-run')).toBeVisible();
  const id = await page.getByTestId('bulk-run').getAttribute('data-batch-id');
  expect(id).toBeTruthy();
  expect(core.callsTo('bulk_start')).toHaveLength(1);
  return id!;
}

test('the preview flags invalid rows with the core\'s reasons and counts them', async ({ page, core }) => {
  await openBulk(page, core);
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toHaveText('Choose a CSV file.');

  await pickCsv(page, CSV);
  await expect(page.getByTestId('bulk-counts')).toHaveText('3 valid, 3 invalid');
  // The raw bytes went to the core, which parses the file.
  const sent = core.callsTo('bulk_preview')[0]!.args.bytes as number[];
  expect(Buffer.from(sent).toString('utf-8')).toBe(CSV);

  await expect(page.getByTestId('bulk-row-1')).toHaveAttribute('data-state', 'pending');
  await expect(page.getByTestId('bulk-row-2')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('bulk-detail-2')).toHaveText('email "not-an-email" has no @');
  await expect(page.getByTestId('bulk-row-4')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('bulk-detail-4')).toHaveText('user_id "12345" is not a UUID (like 0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60)');
  // A second row for the same address would send two links to one person: refused.
  await expect(page.getByTestId('bulk-row-5')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('bulk-detail-5')).toHaveText('duplicate email: ana@example.com is already on row 1');
  await expect(page.getByTestId('bulk-row-6')).toHaveAttribute('data-state', 'pending');

  // Still no template: Start says so.
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toHaveText('Choose a step template.');
  await page.getByTestId('bulk-template').selectOption('KYC only');
  await expect(page.getByTestId('bulk-start')).toBeEnabled();
  await page.getByTestId('bulk-concurrency').fill('0');
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toContainText('Concurrency must be a whole number');
});

test('a file with no valid row cannot be started, and a non-UTF-8 file is reported', async ({ page, core }) => {
  await openBulk(page, core);
  await page.getByTestId('bulk-template').selectOption('KYC only');
  await pickCsv(page, 'email\nnope\n');
  await expect(page.getByTestId('bulk-counts')).toHaveText('0 valid, 1 invalid');
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toHaveText('The file has no valid row.');

  await pickCsv(page, Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xe9, 0x40, 0x78, 0x2e, 0x66, 0x72]), 'latin1.csv');
  // Refused line by line, with what to do.
  await expect(page.getByTestId('bulk-counts')).toHaveText('0 valid, 1 invalid');
  await expect(page.getByTestId('bulk-detail-1')).toHaveText('line 2 is not UTF-8 (save the file as UTF-8)');
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
});

test('start sends the file, the template, the environment and the concurrency', async ({ page, core }) => {
  await openBulk(page, core);
  await pickCsv(page, CSV);
  await page.getByTestId('bulk-template').selectOption('Payouts');
  await expect(page.getByTestId('bulk-concurrency')).toHaveValue('4');
  await page.getByTestId('bulk-concurrency').fill('2');
  await slowCreates(core, 3);
  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('bulk-run')).toBeVisible();

  const [call] = core.callsTo('bulk_start');
  expect(Buffer.from(call!.args.bytes as number[]).toString('utf-8')).toBe(CSV);
  expect(call!.args.template).toEqual({
    steps: [{ name: 'compliance' }, { name: 'manage-payouts', auto_payout_enabled: true }],
    require_auth: null,
    hide_go_to_dashboard_on_complete: true,
  });
  expect(call!.args.environmentId).toBe('local');
  expect(call!.args.concurrency).toBe(2);
  expect(call!.args).not.toHaveProperty('confirmProduction');
  expect(await core.host.asked()).toEqual([]);

  await expect(page.getByTestId('bulk-status')).toHaveText('Running');
  await expect(page.getByTestId('bulk-progress')).toContainText('0 of 3 done: 0 created · 0 failed · 3 remaining (3 invalid rows skipped)');
  await expect(page.getByTestId('bulk-start')).toBeDisabled();
  await expect(page.getByTestId('bulk-start-reason')).toContainText('A batch is running');
});

test('bulk-progress events update the counts and the rows', async ({ page, core }) => {
  await openBulk(page, core);
  // One at a time, in file order: row 1 slow, row 3 refused by Dots, row 6 slow.
  await page.getByTestId('bulk-concurrency').fill('1');
  await slowCreates(core, 1);
  await core.sandbox.fault({ fault: { kind: 'status', status: 422, body: '{"error":"bad email"}' }, method: 'POST', path_prefix: '/api/v2/flows' });
  await slowCreates(core, 1);
  const id = await startBatch(page, core);

  await expect(page.getByTestId('bulk-created')).toHaveText('1');
  await expect(page.getByTestId('bulk-row-1')).toHaveAttribute('data-state', 'created');
  const first = (await rows(core, id))[0]!;
  expect(first.state).toBe('created');
  await expect(page.getByTestId('bulk-link-1')).toHaveText(first.link!);
  await expect(page.getByTestId('bulk-flow-1')).toHaveText(first.flow_id!);

  await expect(page.getByTestId('bulk-failed')).toHaveText('1');
  await expect(page.getByTestId('bulk-row-3')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('bulk-detail-3')).toHaveText((await rows(core, id))[2]!.detail!);
  await expect(page.getByTestId('bulk-detail-3')).toContainText('422');

  // The last row: the batch ends (running=false), Cancel goes away.
  await expect(page.getByTestId('bulk-created')).toHaveText('2');
  await expect(page.getByTestId('bulk-remaining')).toHaveText('0');
  await expect(page.getByTestId('bulk-done')).toHaveText('3');
  await expect(page.getByTestId('bulk-status')).toHaveText('Finished');
  await expect(page.getByTestId('bulk-cancel')).toHaveCount(0);
  expect(core.callsTo('bulk_rows').length).toBeGreaterThanOrEqual(2);

  // Per-row hand-off: copy, and email with the row's address.
  await page.getByTestId('bulk-copy-1').click();
  await expect.poll(() => core.desktop.clipboard).toBe(first.link);
  await page.getByTestId('bulk-email-1').click();
  await expect.poll(() => core.callsTo('email_open').length).toBe(1);
  expect(core.callsTo('email_open')[0]!.args.draft).toEqual({
    link: first.link,
    steps: ['compliance', 'manage-payouts'],
    to: 'ana@example.com',
    reference: 'T-1',
  });
  // The draft is opened by the app itself: the page opens no mailto: URL.
  expect(core.callsTo('plugin:opener|open_url')).toHaveLength(0);
  await expect.poll(() => core.host.opened().length).toBe(1);
  expect(core.host.opened()[0]).toMatch(/^mailto:ana@example\.com/);

  await page.getByTestId('bulk-copy-all').click();
  const links = (await rows(core, id)).filter((r) => r.link).map((r) => r.link);
  expect(links).toHaveLength(2);
  await expect.poll(() => core.desktop.clipboard).toBe(links.join('\n'));
});

test('cancel calls bulk_cancel for the running batch', async ({ page, core }) => {
  await openBulk(page, core);
  await page.getByTestId('bulk-concurrency').fill('1');
  await slowCreates(core, 3, 2000);
  const id = await startBatch(page, core);
  await page.getByTestId('bulk-cancel').click();
  await expect.poll(() => core.callsTo('bulk_cancel').map((c) => c.args)).toEqual([{ batchId: id }]);
  // Stopped, not finished: it can be resumed from the list (the core's final event says the same).
  await expect(page.getByTestId('bulk-status')).toHaveText('Stopped — can be resumed');
  await expect.poll(async () => (await core.invoke<BatchView[]>('bulk_batches')).find((b) => b.batch_id === id)?.running).toBe(false);
  await expect(page.getByTestId('bulk-status')).toHaveText('Stopped — can be resumed');
  await expect(page.getByTestId('bulk-cancel')).toHaveCount(0);
  await expect(page.getByTestId(`bulk-resume-${id}`)).toBeVisible();
  expect((await rows(core, id)).filter((r) => r.state === 'pending').length).toBeGreaterThan(0);
});

test('a stopped batch is listed and resumed; a finished one cannot be', async ({ page, core }) => {
  for (const template of TEMPLATES) await core.invoke('template_save', { template });
  const start = (concurrency: number) =>
    core.invoke<BatchView>('bulk_start', { environmentId: 'local', bytes: [...Buffer.from(CSV)], template: { steps: [{ name: 'compliance' }], require_auth: null, hide_go_to_dashboard_on_complete: null }, concurrency });
  const finished = async (id: string) => (await core.invoke<BatchView[]>('bulk_batches')).find((b) => b.batch_id === id && !b.running);
  // One that ran to the end.
  const done = (await start(4)).batch_id;
  await expect.poll(() => finished(done).then((b) => b?.finished)).toBe(true);
  // One cancelled after its first row (the others held up in Dots; the one in flight ends).
  await slowCreates(core, 1, 300);
  await slowCreates(core, 2, 3000);
  const unfinished = (await start(1)).batch_id;
  await expect.poll(async () => (await rows(core, unfinished))[0]!.state).toBe('created');
  await core.invoke('bulk_cancel', { batchId: unfinished });
  await expect.poll(() => finished(unfinished).then((b) => !!b)).toBe(true);
  const stopped = (await finished(unfinished))!.progress;
  expect(stopped.remaining).toBeGreaterThan(0);

  await openApp(page);
  await page.getByTestId('open-bulk').click();
  await expect(page.getByTestId(`bulk-batch-${unfinished}`)).toContainText(`${stopped.created} created, 0 failed, ${stopped.remaining} remaining`);
  await expect(page.getByTestId(`bulk-batch-${unfinished}`)).toContainText('Stopped — can be resumed');
  await expect(page.getByTestId(`bulk-batch-${done}`)).toContainText('Finished');
  await expect(page.getByTestId(`bulk-resume-${done}`)).toHaveCount(0);

  await slowCreates(core, 2);
  await page.getByTestId(`bulk-resume-${unfinished}`).click();
  await expect.poll(() => core.callsTo('bulk_resume').map((c) => c.args)).toEqual([{ batchId: unfinished }]);
  await expect(page.getByTestId('bulk-run')).toHaveAttribute('data-batch-id', unfinished);
  await expect(page.getByTestId('bulk-status')).toHaveText('Running');
  await expect(page.getByTestId('bulk-row-1')).toHaveAttribute('data-state', 'created');
  await expect(page.getByTestId('bulk-cancel')).toBeVisible();

  await expect(page.getByTestId('bulk-created')).toHaveText('3');
  await expect(page.getByTestId('bulk-status')).toHaveText('Finished');
});

test('Results CSV and Mail-merge CSV download the core\'s CSV', async ({ page, core }) => {
  await openBulk(page, core);
  const id = await startBatch(page, core);
  await expect(page.getByTestId('bulk-status')).toHaveText('Finished');
  await expect(page.getByTestId('bulk-row-1')).toHaveAttribute('data-state', 'created');

  const [results] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bulk-export-results').click()]);
  expect(results.suggestedFilename()).toBe(`bulk-${id}-results.csv`);
  const text = fs.readFileSync(await results.path(), 'utf-8');
  expect(text).toBe(await core.invoke<string>('bulk_results_csv', { batchId: id }));
  expect(text).toContain('ana@example.com');
  expect(core.callsTo('bulk_results_csv').map((c) => c.args)).toEqual([{ batchId: id }]);

  const [mail] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bulk-export-mail').click()]);
  expect(mail.suggestedFilename()).toBe(`bulk-${id}-mail-merge.csv`);
  const merged = fs.readFileSync(await mail.path(), 'utf-8');
  expect(merged).toBe(await core.invoke<string>('bulk_mail_merge_csv', { batchId: id }));
  expect(merged).toContain((await rows(core, id))[0]!.link!);
});

test("a start in production is confirmed in the app's own dialog, naming the environment", async ({ page, core }) => {
  // Production served by the local sandbox: marked, since its host is no longer Dots'.
  await core.pointAtSandbox('production', true);
  await core.invoke('set_active_environment', { id: 'production' });
  const before = (await core.host.asked()).length;
  await openBulk(page, core);
  await pickCsv(page, CSV);
  await page.getByTestId('bulk-template').selectOption('KYC only');
  await expect(page.getByTestId('bulk-start')).toHaveText('Create 3 flows in Production');

  // The native dialog (raised by the app, not the page) says no: nothing starts.
  await core.host.answerNext(false);
  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('error-kind')).toHaveText('confirmation_required');
  await expect(page.getByTestId('bulk-run')).toHaveCount(0);
  expect(await core.invoke('bulk_batches')).toEqual([]);
  const asked = (await core.host.asked()).slice(before);
  expect(asked.map(({ action, environment_name, host }) => ({ action, environment_name, host }))).toEqual([
    { action: 'flow.batch', environment_name: 'Production', host: '127.0.0.1' },
  ]);

  await page.getByTestId('bulk-start').click();
  await expect(page.getByTestId('bulk-run')).toBeVisible();
  const call = core.callsTo('bulk_start').at(-1);
  expect(call!.args.environmentId).toBe('production');
  expect(call!.args).not.toHaveProperty('confirmProduction');
});

test('a failed start shows the kind and message of the error', async ({ page, core }) => {
  // Sandbox, with no key saved for it.
  await core.invoke('set_active_environment', { id: 'sandbox' });
  await openBulk(page, core);
  await pickCsv(page, CSV);
  await page.getByTestId('bulk-template').selectOption('KYC only');
  await page.getByTestId('bulk-start').click();
  const refused = await core.invokeError('bulk_start', { environmentId: 'sandbox', bytes: [...Buffer.from(CSV)], template: { steps: [{ name: 'compliance' }], require_auth: null, hide_go_to_dashboard_on_complete: null }, concurrency: 4 });
  expect(refused.kind).toBe('not_configured');
  await expect(page.getByTestId('error-kind')).toHaveText('not_configured');
  await expect(page.getByTestId('error-message')).toHaveText(refused.message);
  await expect(page.getByTestId('bulk-run')).toHaveCount(0);
});
