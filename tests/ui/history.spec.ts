import fs from 'node:fs';
import path from 'node:path';
import type { FlowView } from '../../ui/src/bindings/FlowView';
import type { HistoryEntry } from '../../ui/src/bindings/HistoryEntry';
import type { Core } from './core';
import { expect, listedSteps, openApp, test } from './fixtures';

/** A flow made in the Local sandbox before the page opens; its id. */
async function made(core: Core, steps: string[], metadata?: Record<string, unknown>): Promise<string> {
  const request = { steps: steps.map((name) => ({ name })), ...(metadata ? { metadata } : {}) };
  return (await core.invoke<FlowView>('create_flow', { request, environmentId: 'local' })).flow.id;
}

function history(core: Core): Promise<HistoryEntry[]> {
  return core.invoke<HistoryEntry[]>('history_search', { query: '', limit: 200 });
}

test('history: search, open (watching again), duplicate, delete', async ({ page, core }) => {
  const A = await made(core, ['compliance', 'manage-payouts'], { reference: 'TICKET-1', team: 'support' });
  const B = await made(core, ['payout'], { reference: 'OTHER-9' });
  // The person did the first step of A, and the watcher saw it (which history keeps).
  await core.sandbox.complete(A, 'compliance');
  await core.invoke('watch_flow', { id: A, environmentId: 'local' });
  await expect.poll(async () => (await history(core)).find((e) => e.flow_id === A)?.progress?.completed).toBe(1);
  await core.invoke('unwatch_flow', { id: A });

  await openApp(page);
  await page.getByTestId('open-history').click();
  const rowA = page.getByTestId(`history-row-${A}`);
  const rowB = page.getByTestId(`history-row-${B}`);
  await expect(rowA).toBeVisible();
  await expect(rowB).toBeVisible();
  await expect(rowA).toContainText('TICKET-1');
  await expect(rowA).toContainText('Compliance, Manage payouts');
  await expect(rowA).toContainText('1 of 2');
  await expect(rowB).toContainText('Local sandbox');
  await expect(rowB).toContainText('0 of 1');

  // Search goes to history_search.
  await page.getByTestId('history-search').fill('ticket');
  await expect(rowB).toHaveCount(0);
  await expect(rowA).toBeVisible();
  expect(core.callsTo('history_search').at(-1)!.args).toEqual({ query: 'ticket', limit: 200 });
  await page.getByTestId('history-search').fill('nothing-like-this');
  await expect(page.getByTestId('history-empty')).toContainText('Nothing matches');
  await page.getByTestId('history-search').fill('');

  // Open: the card again, watched in its own environment.
  await rowA.getByTestId('history-open').click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  await expect(page.getByTestId('flow-id')).toHaveText(A);
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');
  await expect(page.getByTestId('flow-step-compliance')).toHaveAttribute('data-done', 'true');
  await expect.poll(() => core.callsTo('watch_flow').map((c) => c.args)).toEqual([{ id: A, environmentId: 'local' }]);

  // Duplicate: steps, reference and the other metadata into the builder.
  await page.getByTestId('open-history').click();
  await rowA.getByTestId('history-duplicate').click();
  await expect(page.getByTestId('catalog-compliance')).toBeVisible();
  await expect.poll(() => listedSteps(page)).toEqual(['compliance', 'manage-payouts']);
  await expect(page.getByTestId('reference')).toHaveValue('TICKET-1');
  await expect(page.getByTestId('metadata-key-0')).toHaveValue('team');
  await expect(page.getByTestId('metadata-value-0')).toHaveValue('support');

  // Delete one entry.
  await page.getByTestId('open-history').click();
  await rowB.getByTestId('history-delete').click();
  await expect(rowB).toHaveCount(0);
  expect(core.callsTo('history_delete').map((c) => c.args)).toEqual([{ flowId: B }]);
  await expect(rowA).toBeVisible();
  expect((await history(core)).map((e) => e.flow_id)).toEqual([A]);
});

test('history: a flow a batch made is duplicated without the batch\'s bookkeeping keys (the core says which)', async ({ page, core }) => {
  const id = await made(core, ['compliance'], { flowdesk_batch: 'b-1', flowdesk_row: 3, team: 'ops' });
  await openApp(page);
  await page.getByTestId('open-history').click();
  await page.getByTestId(`history-row-${id}`).getByTestId('history-duplicate').click();
  await expect.poll(() => listedSteps(page)).toEqual(['compliance']);
  expect(core.callsTo('history_draft').map((c) => c.args)).toEqual([{ flowId: id }]);
  await expect(page.getByTestId('metadata-key-0')).toHaveValue('team');
  await expect(page.getByTestId('metadata-value-0')).toHaveValue('ops');
  await expect(page.getByTestId('metadata-key-1')).toHaveCount(0);
});

test('history: clear all asks first; retention sends the days; errors say what happened', async ({ page, core }) => {
  const A = await made(core, ['compliance']);
  const B = await made(core, ['payout']);
  // A as an older run of the app left it: recorded in 2020 (the history file is shared on disk).
  const file = path.join(core.host.dataDir, 'history.jsonl');
  const lines = fs.readFileSync(file, 'utf-8').split('\n').filter(Boolean);
  const aged = lines.map((line) => (line.includes(A) ? line.replace(/"created_at":"[^"]+"/, '"created_at":"2020-01-01T00:00:00Z"') : line));
  expect(aged).not.toEqual(lines);
  fs.writeFileSync(file, `${aged.join('\n')}\n`);

  await openApp(page);
  await page.getByTestId('open-history').click();
  await expect(page.getByTestId(`history-row-${A}`)).toBeVisible();

  await page.getByTestId('history-days').fill('30');
  await page.getByTestId('history-retention').click();
  await expect(page.getByTestId('toast')).toContainText('Removed 1 entry older than 30 days');
  expect(core.callsTo('history_retention').map((c) => c.args)).toEqual([{ days: 30 }]);
  await expect(page.getByTestId(`history-row-${A}`)).toHaveCount(0);
  await expect(page.getByTestId(`history-row-${B}`)).toBeVisible();

  // Clear asks first; when the history file cannot be written (a folder stands in its
  // place), the core's io error is shown and nothing is lost.
  fs.rmSync(file, { force: true });
  fs.mkdirSync(file);
  await page.getByTestId('history-clear').click();
  expect(core.callsTo('history_clear')).toHaveLength(0);
  await page.getByTestId('history-clear-confirm').click();
  await expect(page.getByTestId('error-kind')).toHaveText('io');
  await expect(page.getByTestId('error-message')).toContainText(`could not write ${file}`);
  expect(core.callsTo('history_clear')).toHaveLength(1);

  // Writable again: clear empties it.
  fs.rmdirSync(file);
  await page.getByTestId('history-clear').click();
  await page.getByTestId('history-clear-confirm').click();
  await expect(page.getByTestId('history-empty')).toContainText('No flows yet');
  expect(core.callsTo('history_clear')).toHaveLength(2);
  expect(await history(core)).toEqual([]);
});
