import { expect, openApp, test } from './fake-fixtures';

test('From Dots lists the active environment\'s flows with next/previous pages', async ({ page, backend }) => {
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    ids.push(id);
    backend.addHistory({ flow_id: id, steps: ['compliance'] });
  }
  await openApp(page);
  await page.getByTestId('open-remote').click();
  await expect(page.getByTestId(`remote-row-${ids[0]}`)).toBeVisible();
  await expect(page.getByTestId(`remote-row-${ids[25]}`)).toHaveCount(0);
  expect(backend.callsTo('list_remote_flows')[0]!.args).toEqual({ environmentId: 'local', params: { limit: 25 } });
  await expect(page.getByTestId('remote-prev')).toBeDisabled();
  await page.getByTestId('remote-next').click();
  await expect(page.getByTestId(`remote-row-${ids[25]}`)).toBeVisible();
  expect(backend.callsTo('list_remote_flows').at(-1)!.args).toEqual({
    environmentId: 'local',
    params: { limit: 25, starting_after: ids[24] },
  });
  await page.getByTestId('remote-prev').click();
  await expect(page.getByTestId(`remote-row-${ids[0]}`)).toBeVisible();
  expect(backend.callsTo('list_remote_flows').at(-1)!.args).toEqual({
    environmentId: 'local',
    params: { limit: 25, ending_before: ids[25] },
  });
});
