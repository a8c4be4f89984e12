import { expect, listedSteps, openApp, test } from './fake-fixtures';
import { Rejection } from './fake-backend';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

test('history: search, open (watching again), duplicate, delete', async ({ page, backend }) => {
  backend.addHistory({
    flow_id: A,
    steps: ['compliance', 'manage-payouts'],
    reference: 'TICKET-1',
    metadata: { reference: 'TICKET-1', team: 'support' },
    progress: { claimed: false, completed: 1, total: 2, done: false, pending: ['manage-payouts'] },
  });
  backend.addHistory({ flow_id: B, steps: ['payout'], reference: 'OTHER-9', environment_id: 'sandbox', environment_name: 'Sandbox' });
  backend.complete(A, 'compliance');
  await openApp(page);
  await page.getByTestId('open-history').click();
  const rowA = page.getByTestId(`history-row-${A}`);
  const rowB = page.getByTestId(`history-row-${B}`);
  await expect(rowA).toBeVisible();
  await expect(rowB).toBeVisible();
  await expect(rowA).toContainText('TICKET-1');
  await expect(rowA).toContainText('Compliance, Manage payouts');
  await expect(rowA).toContainText('1 of 2');
  await expect(rowB).toContainText('Sandbox');
  await expect(rowB).toContainText('not checked');

  // Search goes to history_search.
  await page.getByTestId('history-search').fill('ticket');
  await expect(rowB).toHaveCount(0);
  await expect(rowA).toBeVisible();
  expect(backend.callsTo('history_search').at(-1)!.args).toEqual({ query: 'ticket', limit: 200 });
  await page.getByTestId('history-search').fill('nothing-like-this');
  await expect(page.getByTestId('history-empty')).toContainText('Nothing matches');
  await page.getByTestId('history-search').fill('');

  // Open: the card again, watched in its own environment.
  await rowA.getByTestId('history-open').click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  await expect(page.getByTestId('flow-id')).toHaveText(A);
  await expect(page.getByTestId('flow-progress')).toHaveText('1 of 2 steps');
  await expect(page.getByTestId('flow-step-compliance')).toHaveAttribute('data-done', 'true');
  await expect.poll(() => backend.callsTo('watch_flow').map((c) => c.args)).toEqual([{ id: A, environmentId: 'local' }]);

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
  expect(backend.callsTo('history_delete').map((c) => c.args)).toEqual([{ flowId: B }]);
  await expect(rowA).toBeVisible();
});

test('history: clear all asks first; retention sends the days; errors say what happened', async ({ page, backend }) => {
  backend.addHistory({ flow_id: A, steps: ['compliance'], created_at: '2020-01-01T00:00:00Z' });
  backend.addHistory({ flow_id: B, steps: ['payout'] });
  await openApp(page);
  await page.getByTestId('open-history').click();
  await expect(page.getByTestId(`history-row-${A}`)).toBeVisible();

  await page.getByTestId('history-days').fill('30');
  await page.getByTestId('history-retention').click();
  await expect(page.getByTestId('toast')).toContainText('Removed 1 entry older than 30 days');
  expect(backend.callsTo('history_retention').map((c) => c.args)).toEqual([{ days: 30 }]);
  await expect(page.getByTestId(`history-row-${A}`)).toHaveCount(0);

  await page.getByTestId('history-clear').click();
  expect(backend.callsTo('history_clear')).toHaveLength(0);
  await page.getByTestId('history-clear-confirm').click();
  await expect(page.getByTestId('history-empty')).toContainText('No flows yet');
  expect(backend.callsTo('history_clear')).toHaveLength(1);

  backend.on('history_search', () => {
    throw new Rejection({ kind: 'io', message: 'Could not read the history file' });
  });
  await page.getByTestId('history-search').fill('x');
  await expect(page.getByTestId('error-kind')).toHaveText('io');
  await expect(page.getByTestId('error-message')).toHaveText('Could not read the history file');
});
