// End to end across both windows a support person and a user would have: the app builds
// and creates a three-step flow on its local sandbox; the user opens the link in Chromium
// and works through the sandbox's hosted page; the app marks each step and then the flow
// done by itself, with no manual refresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from 'selenium-webdriver';
import { appAndBrowser } from './driver.mjs';
import { attrOf, byTestId, textOf, waitForAttr, waitForText } from './ui-helpers.mjs';

const session = appAndBrowser();

test('a person walks the hosted page and the app follows every step to done', async () => {
  const { driver } = session.app;
  const { browser } = session;
  await waitForText(driver, 'env-badge', /Local sandbox/, 30_000);
  const steps = ['compliance', 'id-verification', 'manage-payouts'];
  for (const step of steps) {
    await driver.wait(until.elementLocated(byTestId(`catalog-${step}`)), 10_000).click();
  }
  const create = driver.findElement(byTestId('create-flow'));
  await driver.wait(until.elementIsEnabled(create), 10_000);
  await create.click();
  await waitForText(driver, 'flow-link', /^http/);
  const link = await textOf(driver, 'flow-link');
  await waitForText(driver, 'flow-progress', /0 of 3/);

  const page = await browser.newPage();
  await page.goto(link);
  // No user_id: Dots' sign-in / onboarding comes first.
  await page.getByTestId('email').fill('ann@example.com');
  await page.getByTestId('onboard').click();
  await page.getByTestId('signed-in').waitFor();
  await waitForText(driver, 'flow-claimed', /Claimed/);

  for (const [i, step] of steps.entries()) {
    assert.equal(await attrOf(driver, `flow-step-${step}`, 'data-done'), 'false');
    await page.getByTestId(`complete-${step}`).click();
    await page.locator(`[data-testid="step-${step}"][data-state="done"]`).waitFor();
    await waitForAttr(driver, `flow-step-${step}`, 'data-done', 'true');
    if (i < steps.length - 1) await waitForText(driver, 'flow-progress', new RegExp(`${i + 1} of 3`));
  }
  await page.getByTestId('flow-done').waitFor();
  await driver.wait(until.elementLocated(byTestId('flow-done')), 20_000);
  assert.match(await textOf(driver, 'flow-progress'), /3 of 3/);
});
