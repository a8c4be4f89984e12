// End to end with the keyboard only, in the real window: Tab to steps in the palette and
// add them with Enter, move a step with the drag handle's keyboard sensor (Space, arrow,
// Space), type a step option, create the flow on the local sandbox, copy its link with the
// Copy button, paste it into the command palette (Ctrl+K, Ctrl+V: the clipboard really holds
// the link), and go to History from the palette. Elements are found by data-testid only
// to check what the window shows; every action is a key press to the focused element.
// At a few stops, the focused element must show a focus ring (a computed outline).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Key } from 'selenium-webdriver';
import fs from 'node:fs';
import path from 'node:path';
import { appDataDir, startApp } from './driver.mjs';
import { byTestId, textOf, waitForText } from './ui-helpers.mjs';

let app;
before(async () => { app = await startApp(); });
after(async () => { await app?.stop(); });

const focusedTestId = (driver) =>
  driver.executeScript('const e = document.activeElement; return e && e.dataset ? (e.dataset.testid ?? null) : null;');

const press = (driver, ...keys) => driver.actions().sendKeys(...keys).perform();

/** Ctrl plus one key, as a person types it. */
const ctrl = (driver, key) => driver.actions().keyDown(Key.CONTROL).sendKeys(key).keyUp(Key.CONTROL).perform();

/** Presses Tab until the element with this data-testid has the focus (at most `max` presses). */
async function tabTo(driver, id, max = 80) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    const now = await focusedTestId(driver);
    if (now === id) return;
    seen.push(now);
    await press(driver, Key.TAB);
  }
  throw new Error(`Tab never reached ${id} in ${max} presses; passed ${seen.filter(Boolean).join(', ')}`);
}

/** The focused element draws a visible outline (the app's :focus-visible ring). */
async function assertFocusVisible(driver, id) {
  const ring = await driver.executeScript(`
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: s.outlineWidth, testid: document.activeElement.dataset.testid ?? null };`);
  assert.equal(ring.testid, id);
  assert.notEqual(ring.style, 'none', `${id} has focus but no outline`);
  assert.ok(parseFloat(ring.width) > 0, `${id} has focus but a ${ring.width} outline`);
}

/** What dnd-kit announces in its live region (its only way to say "picked up", "over", "dropped"). */
const liveRegion = (driver) =>
  driver.executeScript(`return [...document.querySelectorAll('[id^="DndLiveRegion"]')].map((e) => e.textContent).join(' | ');`);

const violations = (driver) =>
  driver.executeScript(`return [...document.querySelectorAll('[data-testid="violation"]')].map((e) => e.textContent).join(' | ');`);

const stepOrder = (driver) =>
  driver.executeScript(`return [...document.querySelectorAll('.step-list > li[data-testid^="step-"]')].map((e) => e.dataset.testid.slice(5));`);

test('build, reorder, fill, create, copy and find the flow in History with the keyboard alone', async () => {
  const { driver } = app;
  await waitForText(driver, 'env-badge', /Local sandbox/, 30_000);
  // The palette is drawn once the step catalog has arrived.
  await driver.wait(async () => (await driver.findElements(byTestId('catalog-redirect'))).length > 0, 15_000, 'no step palette');

  // Choose three steps in the palette: Tab to each, Enter.
  for (const step of ['compliance', 'redirect', 'id-verification']) {
    await tabTo(driver, `catalog-${step}`);
    if (step === 'compliance') await assertFocusVisible(driver, 'catalog-compliance');
    await press(driver, Key.ENTER);
    await driver.wait(async () => (await stepOrder(driver)).includes(step), 10_000, `${step} was not added`);
  }
  assert.deepEqual(await stepOrder(driver), ['compliance', 'redirect', 'id-verification']);
  // Redirect must be the last step: the core says so on a step, and Create waits.
  await driver.wait(async () => /must be the last step/.test(await violations(driver)), 10_000, 'no "last step" violation');
  assert.equal(await driver.findElement(byTestId('create-flow')).isEnabled(), false);

  // Move Redirect to the end: its handle, Space to pick up, Down, Space to drop.
  await tabTo(driver, 'handle-redirect');
  await assertFocusVisible(driver, 'handle-redirect');
  await press(driver, Key.SPACE);
  await driver.wait(async () => /Picked up Redirect/.test(await liveRegion(driver)), 10_000, 'Redirect was not picked up');
  await press(driver, Key.ARROW_DOWN);
  await driver.wait(async () => /Redirect is over position 3 of 3/.test(await liveRegion(driver)), 10_000, 'Redirect never got over position 3');
  await press(driver, Key.SPACE);
  await driver.wait(
    async () => (await stepOrder(driver)).join() === 'compliance,id-verification,redirect',
    10_000,
    'the drop did not reorder the steps',
  );
  assert.match(await liveRegion(driver), /Redirect dropped at position 3 of 3/);
  const positions = await driver.executeScript(
    `return [...document.querySelectorAll('.step-list [data-testid="step-position"]')].map((e) => e.textContent);`);
  assert.deepEqual(positions, ['1', '2', '3']);
  await driver.wait(async () => !/must be the last step/.test(await violations(driver)), 10_000, 'the "last step" violation stayed');

  // Redirect's URL option, typed into the focused field.
  await tabTo(driver, 'opt-redirect-redirect_url');
  await assertFocusVisible(driver, 'opt-redirect-redirect_url');
  await driver.switchTo().activeElement().sendKeys('https://example.com/done');
  assert.equal(await driver.findElement(byTestId('opt-redirect-redirect_url')).getAttribute('value'), 'https://example.com/done');
  await waitForText(driver, 'create-reason', /^Ready/, 10_000);

  // Create on the local sandbox: Tab to Create, Enter.
  await tabTo(driver, 'create-flow');
  await assertFocusVisible(driver, 'create-flow');
  await press(driver, Key.ENTER);
  await waitForText(driver, 'flow-link', /^http/, 20_000);
  const link = await textOf(driver, 'flow-link');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/flow\/[0-9a-f-]{36}$/);
  const flowId = link.split('/').pop();
  assert.equal(await textOf(driver, 'flow-id'), flowId);
  assert.match(await textOf(driver, 'flow-progress'), /0 of 3/);

  // Copy link: Tab to it, Enter; the window says so.
  await tabTo(driver, 'copy-link');
  await assertFocusVisible(driver, 'copy-link');
  await press(driver, Key.ENTER);
  await waitForText(driver, 'toast', /Link copied/, 10_000);

  // Ctrl+K opens the command palette with its field focused; Ctrl+V pastes what Copy put on
  // the system clipboard.
  await ctrl(driver, 'k');
  await driver.wait(async () => (await focusedTestId(driver)) === 'palette-input', 10_000, 'Ctrl+K did not focus the palette');
  await ctrl(driver, 'v');
  await driver.wait(
    async () => (await driver.findElement(byTestId('palette-input')).getAttribute('value')) === link,
    10_000,
    'the clipboard did not hold the link',
  );
  // Replace it with a command and run it.
  await ctrl(driver, 'a');
  await press(driver, 'go to history');
  await driver.wait(async () => (await driver.findElements(byTestId('palette-item-go-history'))).length === 1, 10_000, 'no "Go to History" command');
  await press(driver, Key.ENTER);

  await driver.wait(async () => (await driver.findElements(byTestId('command-palette'))).length === 0, 10_000, 'the palette stayed open');
  assert.equal(await driver.findElement(byTestId('open-history')).getAttribute('aria-pressed'), 'true');
  const row = byTestId(`history-row-${flowId}`);
  await driver.wait(async () => (await driver.findElements(row)).length === 1, 10_000, 'History does not list the flow');
  const rowText = await driver.findElement(row).getText();
  assert.match(rowText, /Local sandbox/);
  // The steps as created: in the order the keyboard left them.
  assert.match(rowText, /Compliance, ID verification, Redirect/i);

  // Back to the Builder the same way. The app reopens on the last screen, and the other
  // tests in this folder share its data folder: wait until that screen is saved.
  await ctrl(driver, 'k');
  await driver.wait(async () => (await focusedTestId(driver)) === 'palette-input', 10_000, 'Ctrl+K did not focus the palette');
  await press(driver, 'go to builder');
  await driver.wait(async () => (await driver.findElements(byTestId('palette-item-go-builder'))).length === 1, 10_000, 'no "Go to Builder" command');
  await press(driver, Key.ENTER);
  await driver.wait(async () => (await driver.findElement(byTestId('open-builder')).getAttribute('aria-pressed')) === 'true', 10_000, 'not back on the Builder');
  const viewState = path.join(appDataDir(), 'view-state.json');
  await driver.wait(() => {
    try {
      return JSON.parse(fs.readFileSync(viewState, 'utf8')).last_screen === 'builder';
    } catch {
      return false;
    }
  }, 10_000, `${viewState} never said last_screen: builder`);
});
