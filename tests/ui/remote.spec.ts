import { expect, openApp, test } from './fixtures';

test('From Dots lists the active environment\'s flows with next/previous pages', async ({ page, core }) => {
  for (let i = 0; i < 30; i++) {
    await core.invoke('create_flow', { request: { steps: [{ name: 'compliance' }] }, environmentId: 'local' });
  }
  // Dots' own order (the local sandbox's), all 30 in one page.
  const all = await core.invoke<{ data: Array<{ flow: { id: string } }> }>('list_remote_flows', { environmentId: 'local', params: { limit: 100 } });
  const ids = all.data.map((v) => v.flow.id);
  expect(ids).toHaveLength(30);
  await openApp(page);
  await page.getByTestId('open-remote').click();
  await expect(page.getByTestId(`remote-row-${ids[0]}`)).toBeVisible();
  await expect(page.getByTestId(`remote-row-${ids[25]}`)).toHaveCount(0);
  expect(core.callsTo('list_remote_flows')[0]!.args).toEqual({ environmentId: 'local', params: { limit: 25 } });
  await expect(page.getByTestId('remote-prev')).toBeDisabled();
  await page.getByTestId('remote-next').click();
  await expect(page.getByTestId(`remote-row-${ids[25]}`)).toBeVisible();
  expect(core.callsTo('list_remote_flows').at(-1)!.args).toEqual({
    environmentId: 'local',
    params: { limit: 25, starting_after: ids[24] },
  });
  await page.getByTestId('remote-prev').click();
  await expect(page.getByTestId(`remote-row-${ids[0]}`)).toBeVisible();
  expect(core.callsTo('list_remote_flows').at(-1)!.args).toEqual({
    environmentId: 'local',
    params: { limit: 25, ending_before: ids[25] },
  });
});

test('From Dots shows each flow\'s progress as the core counts it', async ({ page, core }) => {
  const made = await core.invoke<{ flow: { id: string } }>('create_flow', {
    request: { steps: [{ name: 'compliance' }, { name: 'id-verification' }] },
    environmentId: 'local',
  });
  const id = made.flow.id;
  await core.sandbox.claim(id);
  await core.sandbox.complete(id, 'compliance');
  const listed = await core.invoke<{ data: Array<{ flow: { id: string }; progress: { completed: number; total: number } }> }>(
    'list_remote_flows',
    { environmentId: 'local', params: { limit: 100 } },
  );
  expect(listed.data.find((v) => v.flow.id === id)!.progress).toMatchObject({ completed: 1, total: 2 });
  await openApp(page);
  await page.getByTestId('open-remote').click();
  await expect(page.getByTestId(`remote-row-${id}`)).toContainText('1 of 2');
});
