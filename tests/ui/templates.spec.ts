import fs from 'node:fs';
import { addSteps, expect, listedSteps, openApp, test } from './fixtures';

test('templates: save the current list, load it back, rename, delete', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'payout');
  await page.getByTestId('reference').fill('T-5');
  await page.getByTestId('template-name').fill('Payout basics');
  await page.getByTestId('template-save').click();
  await expect(page.getByTestId('toast')).toContainText('saved');
  expect(core.callsTo('template_save').map((c) => c.args)).toEqual([
    { template: { name: 'Payout basics', steps: [{ name: 'compliance' }, { name: 'payout' }], metadata: { reference: 'T-5' } } },
  ]);

  // Change the builder, then load the template back.
  await page.getByTestId('step-payout').getByRole('button', { name: /remove/i }).click();
  await expect.poll(() => listedSteps(page)).toEqual(['compliance']);
  await expect(page.getByTestId('template-select')).toHaveValue('Payout basics');
  await page.getByTestId('template-load').click();
  await expect.poll(() => listedSteps(page)).toEqual(['compliance', 'payout']);
  await expect(page.getByTestId('reference')).toHaveValue('T-5');

  await page.getByTestId('template-name').fill('Payouts');
  await page.getByTestId('template-rename').click();
  await expect(page.getByTestId('template-select')).toHaveValue('Payouts');
  expect(core.callsTo('template_rename').map((c) => c.args)).toEqual([{ from: 'Payout basics', to: 'Payouts' }]);

  expect(await core.invoke('templates_list')).toEqual([
    { name: 'Payouts', steps: [{ name: 'compliance' }, { name: 'payout' }], metadata: { reference: 'T-5' } },
  ]);

  await page.getByTestId('template-delete').click();
  await expect(page.getByTestId('template-select')).toBeDisabled();
  expect(await core.invoke('templates_list')).toEqual([]);
});

test('templates: export downloads JSON, import shows the report', async ({ page, core }) => {
  await core.invoke('template_save', { template: { name: 'A', steps: [{ name: 'compliance' }] } });
  await openApp(page);
  await expect(page.getByTestId('template-select')).toHaveValue('A');
  const download = page.waitForEvent('download');
  await page.getByTestId('template-export').click();
  const file = await (await download).path();
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
    flowdesk_templates: 1,
    templates: [{ name: 'A', steps: [{ name: 'compliance' }] }],
  });

  await page.getByTestId('template-import').setInputFiles({
    name: 't.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ flowdesk_templates: 1, templates: [{ name: 'A', steps: [] }, { name: 'B', steps: [{ name: 'payout' }] }, { name: 'C' }] })),
  });
  await expect(page.getByTestId('import-report')).toContainText('Added 1, replaced 1, skipped 1: C (not a template: missing field `steps`)');
  await expect(page.getByTestId('template-select').locator('option')).toHaveCount(2);
  expect(await core.invoke('templates_list')).toEqual([
    { name: 'A', steps: [] },
    { name: 'B', steps: [{ name: 'payout' }] },
  ]);
});
