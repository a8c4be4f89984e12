// End to end, money: the app creates a payout flow on its local sandbox; the user onboards
// on the hosted page in Chromium; staff open that user from the claimed flow card in the
// real window and fund the wallet through the two-step confirmation; the user walks the
// payout step and withdraws; the app shows the wallet back at zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from 'selenium-webdriver';
import { appAndBrowser } from './driver.mjs';
import { byTestId, textOf, waitForText } from './ui-helpers.mjs';

const session = appAndBrowser();

const click = async (driver, id) => {
  const el = await driver.wait(until.elementLocated(byTestId(id)), 15_000);
  await driver.wait(until.elementIsEnabled(el), 15_000);
  await el.click();
};

test('onboard on the hosted page, fund from the app, withdraw on the payout step, wallet back to zero', async () => {
  const { driver } = session.app;
  const { browser } = session;
  await waitForText(driver, 'env-badge', /Local sandbox/, 30_000);
  await click(driver, 'catalog-payout');
  await click(driver, 'create-flow');
  await waitForText(driver, 'flow-link', /^http/);
  const link = await textOf(driver, 'flow-link');

  const page = await browser.newPage();
  await page.goto(link);
  await page.getByTestId('first-name').fill('Wanda');
  await page.getByTestId('last-name').fill('Withdraw');
  await page.getByTestId('email').fill('wanda@example.com');
  await page.getByTestId('onboard').click();
  await page.getByTestId('signed-in').waitFor();
  assert.equal(await page.getByTestId('wallet-amount').textContent(), '$0.00');

  // Staff: the claimed flow card opens the user; fund $12.34.
  await click(driver, 'flow-open-user');
  // The heading is shown in capitals (CSS); WebDriver reads rendered text.
  await waitForText(driver, 'user-name', /Wanda Withdraw/i);
  await waitForText(driver, 'user-wallet-amount', /\$0\.00/);
  await click(driver, 'user-fund');
  const amount = await driver.wait(until.elementLocated(byTestId('fund-amount')), 10_000);
  await amount.sendKeys('12.34');
  await click(driver, 'fund-review');
  await waitForText(driver, 'money-summary-sentence', /\$12\.34 from the app's Dots wallet to Wanda Withdraw/);
  await click(driver, 'money-confirm');
  await driver.wait(async () => (await driver.findElements(byTestId('money-outcome'))).length > 0, 20_000);
  const state = await driver.findElement(byTestId('money-outcome')).getAttribute('data-state');
  assert.equal(state, 'done');
  await waitForText(driver, 'user-wallet-amount', /\$12\.34/);

  // The user withdraws everything on the payout step.
  await page.reload();
  assert.equal(await page.getByTestId('wallet-amount').textContent(), '$12.34');
  await page.getByTestId('withdraw').click();
  await page.locator('[data-testid="step-payout"][data-state="done"]').waitFor();
  await page.getByTestId('flow-done').waitFor();

  // Staff see the wallet back at zero (re-open the user to re-read it).
  await click(driver, 'open-users');
  const input = await driver.wait(until.elementLocated(byTestId('user-id-input')), 10_000);
  const userId = await driver.findElement(byTestId('user-detail')).getAttribute('data-user-id');
  await input.clear();
  await input.sendKeys(userId);
  await click(driver, 'user-open');
  await waitForText(driver, 'user-wallet-amount', /\$0\.00/);
});
