// End to end in the real app window: build a flow, create it on the in-process local
// sandbox, read its link and watch its progress, all from the window.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { By, until } from 'selenium-webdriver';
import { sandboxAuthorization, startApp } from './driver.mjs';
import { byTestId, textOf, waitForText } from './ui-helpers.mjs';

let app;
before(async () => { app = await startApp(); });
after(async () => { await app?.stop(); });

/** A sandbox control, with the sandbox's credentials from the app's data folder. */
async function sandboxControl(origin, path, body = {}) {
  const res = await fetch(`${origin}/_sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: sandboxAuthorization(origin) },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${path}: ${await res.text()}`);
}

test('creates a flow on the local sandbox and shows its link and progress', async () => {
  const { driver } = app;
  await waitForText(driver, 'env-badge', /Local sandbox/, 30_000);

  await driver.wait(until.elementLocated(byTestId('catalog-compliance')), 10_000).click();
  await driver.findElement(byTestId('catalog-manage-payouts')).click();
  const create = driver.findElement(byTestId('create-flow'));
  await driver.wait(until.elementIsEnabled(create), 10_000);
  await create.click();

  await waitForText(driver, 'flow-link', /^http/);
  const href = await textOf(driver, 'flow-link');
  assert.match(href, /^http:\/\/127\.0\.0\.1:\d+\/flow\/[0-9a-f-]{36}$/);
  assert.equal(await driver.findElement(byTestId('flow-link')).getAttribute('href'), href);
  assert.match(await textOf(driver, 'flow-progress'), /0 of 2/);

  // The link is the sandbox's hosted page for this flow.
  const page = await fetch(href);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /compliance/i);

  // A person works through the flow; the window follows without a manual refresh.
  const { origin, pathname } = new URL(href);
  const id = pathname.split('/').pop();
  await sandboxControl(origin, `/flows/${id}/claim`);
  await sandboxControl(origin, `/flows/${id}/complete`, { step: 'compliance' });
  await waitForText(driver, 'flow-progress', /1 of 2/);
  assert.equal(await driver.findElement(byTestId('flow-step-compliance')).getAttribute('data-done'), 'true');
  assert.equal(await driver.findElement(byTestId('flow-step-manage-payouts')).getAttribute('data-done'), 'false');
  await sandboxControl(origin, `/flows/${id}/complete`, { step: 'manage-payouts' });
  await driver.wait(until.elementLocated(byTestId('flow-done')), 20_000);
  assert.match(await textOf(driver, 'flow-progress'), /2 of 2/);

  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/e2e-app.png', await driver.takeScreenshot(), 'base64');
});
