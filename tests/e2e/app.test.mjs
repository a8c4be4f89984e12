// End to end in the real app window: build a flow, create it on the in-process local
// sandbox, read its link and watch its progress, all from the window.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { By, until } from 'selenium-webdriver';
import { startApp } from './driver.mjs';

let app;
const byTestId = (id) => By.css(`[data-testid="${id}"]`);

before(async () => { app = await startApp(); });
after(async () => { await app?.stop(); });

async function sandboxControl(origin, path, body = {}) {
  const res = await fetch(`${origin}/_sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${path}: ${await res.text()}`);
}

test('creates a flow on the local sandbox and shows its link and progress', async () => {
  const { driver } = app;
  const badge = await driver.wait(until.elementLocated(byTestId('env-badge')), 30_000);
  await driver.wait(async () => /Local sandbox/.test(await badge.getText()), 10_000);

  await driver.wait(until.elementLocated(byTestId('catalog-compliance')), 10_000).click();
  await driver.findElement(byTestId('catalog-manage-payouts')).click();
  const create = driver.findElement(byTestId('create-flow'));
  await driver.wait(until.elementIsEnabled(create), 10_000);
  await create.click();

  const link = await driver.wait(until.elementLocated(byTestId('flow-link')), 20_000);
  const href = await link.getText();
  assert.match(href, /^http:\/\/127\.0\.0\.1:\d+\/flow\/[0-9a-f-]{36}$/);
  assert.equal(await link.getAttribute('href'), href);
  const progress = driver.findElement(byTestId('flow-progress'));
  assert.match(await progress.getText(), /0 of 2/);

  // The link is the sandbox's hosted page for this flow.
  const page = await fetch(href);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /compliance/i);

  // A person works through the flow; the window follows without a manual refresh.
  const { origin, pathname } = new URL(href);
  const id = pathname.split('/').pop();
  await sandboxControl(origin, `/flows/${id}/claim`);
  await sandboxControl(origin, `/flows/${id}/complete`, { step: 'compliance' });
  await driver.wait(async () => /1 of 2/.test(await progress.getText()), 20_000);
  const compliance = driver.findElement(byTestId('flow-step-compliance'));
  assert.equal(await compliance.getAttribute('data-done'), 'true');
  await sandboxControl(origin, `/flows/${id}/complete`, { step: 'manage-payouts' });
  await driver.wait(until.elementLocated(byTestId('flow-done')), 20_000);
  assert.match(await progress.getText(), /2 of 2/);

  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/e2e-app.png', await driver.takeScreenshot(), 'base64');
});
