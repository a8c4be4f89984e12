// The tour pictures for the README: every screen of the real window (and the settings
// drawer) on the local sandbox, with something real in it. Not a test (no .test.mjs, so
// `node --test tests/e2e/` skips it): scripts/tour-screenshots.sh runs it once per theme,
// each time on a fresh scratch HOME, so light and dark show the same kind of data.
//
//   node tests/e2e/tour.mjs <light|dark> <out dir>     (needs DISPLAY, a keyring, the debug build)
//
// The theme is the system's: WebKitGTK answers prefers-color-scheme from GTK_THEME, which
// the app (started by tauri-driver) inherits from this process.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Key, until } from 'selenium-webdriver';
import { sandboxAuthorization, startApp } from './driver.mjs';
import { byTestId } from './ui-helpers.mjs';

const theme = process.argv[2];
const outDir = process.argv[3] ?? 'docs/tour';
if (theme !== 'light' && theme !== 'dark') throw new Error('usage: node tests/e2e/tour.mjs <light|dark> [out dir]');
process.env.GTK_THEME = theme === 'dark' ? 'Adwaita:dark' : 'Adwaita';
fs.mkdirSync(outDir, { recursive: true });

let app;
let driver;
let receiver;

async function el(id, timeout = 15_000) {
  const e = await driver.wait(until.elementLocated(byTestId(id)), timeout, `no ${id}`);
  await driver.wait(until.elementIsVisible(e), timeout, `${id} not visible`);
  return e;
}

async function click(id) {
  const e = await el(id);
  await driver.wait(until.elementIsEnabled(e), 15_000, `${id} stays disabled`);
  await e.click();
}

async function type(id, text) {
  const e = await el(id);
  // Select what is there and type over it (a React field sees every key).
  await e.click();
  await driver.actions().keyDown(Key.CONTROL).sendKeys('a').keyUp(Key.CONTROL).sendKeys(Key.BACK_SPACE).perform();
  await e.sendKeys(text);
  await driver.wait(async () => (await e.getAttribute('value')) === text, 5_000, `${id} did not take ${text}`)
    .catch(async (err) => { throw new Error(`${err.message}; it holds ${JSON.stringify(await e.getAttribute('value'))}`); });
}

/** The element's rendered text, read in one step in the page (React replaces nodes between two WebDriver calls). */
const textOf = (_driver, id) =>
  driver.executeScript('const e = document.querySelector(`[data-testid="${arguments[0]}"]`); return e ? e.innerText : "";', id);
const waitForText = (_driver, id, pattern, timeout = 20_000) =>
  driver.wait(async () => pattern.test(await textOf(driver, id)), timeout, `${id} never matched ${pattern}`);

const present = async (css) => (await driver.findElements({ css })).length > 0;
const waitFor = (css, what, timeout = 20_000) => driver.wait(() => present(css), timeout, `never saw ${what ?? css}`);

/** A sandbox control, with the sandbox's credentials from the app's data folder. */
async function control(origin, route, body = {}) {
  const res = await fetch(`${origin}/_sandbox${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: sandboxAuthorization(origin) },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function shot(name, scrollTo = null) {
  // Nothing half-drawn: no toast, no "Loading…" left, fonts in.
  await driver.wait(async () => !(await present('[data-testid="toast"]')), 10_000, 'a toast stayed');
  await driver.wait(
    () => driver.executeScript('return document.fonts.status === "loaded" && !/Loading…|Checking the flow…/.test(document.body.innerText);'),
    15_000,
    `${name}: still loading`,
  );
  await driver.executeScript(`document.activeElement?.blur();
    const e = arguments[0] && document.querySelector(\`[data-testid="\${arguments[0]}"]\`);
    if (e) e.scrollIntoView({ block: 'center' }); else window.scrollTo(0, 0);`, scrollTo);
  // The pointer off any control (no hover highlight where the last click was).
  await driver.actions().move({ x: 2, y: 790 }).perform();
  const file = path.join(outDir, `${name}-${theme}.png`);
  fs.writeFileSync(file, await driver.takeScreenshot(), 'base64');
  console.log(`tour: ${file}`);
}

async function createFlow(steps, reference) {
  await click('open-builder');
  for (const s of await driver.findElements({ css: '.step-list [data-testid^="remove-"]' })) await s.click();
  for (const s of steps) await click(`catalog-${s}`);
  await type('reference', reference);
  await waitForText(driver, 'create-reason', /^Ready/);
  const previous = await textOf(driver, 'flow-link');
  await click('create-flow');
  await driver.wait(async () => {
    const link = await textOf(driver, 'flow-link');
    return /^http/.test(link) && link !== previous;
  }, 20_000, 'no new flow link');
  const link = await textOf(driver, 'flow-link');
  return { origin: new URL(link).origin, id: link.split('/').pop() };
}

async function run() {
  await waitForText(driver, 'env-badge', /Local sandbox/, 30_000);
  const dark = await driver.executeScript('return matchMedia("(prefers-color-scheme: dark)").matches;');
  if (dark !== (theme === 'dark')) throw new Error(`asked for ${theme}, the window's prefers-color-scheme says dark=${dark}`);

  // A few flows in History, at different stages.
  const done = await createFlow(['compliance', 'manage-payouts'], 'contractor-0142');
  const { origin } = done;
  await control(origin, `/flows/${done.id}/claim`);
  await control(origin, `/flows/${done.id}/complete`, { step: 'compliance' });
  await control(origin, `/flows/${done.id}/complete`, { step: 'manage-payouts' });
  const claimed = await createFlow(['id-verification', 'background-check'], 'driver-7731');
  await control(origin, `/flows/${claimed.id}/claim`);
  // The one left in the builder: live status, one step of three done.
  const live = await createFlow(['compliance', 'id-verification', 'manage-payouts'], 'payee-ana-diaz');
  await control(origin, `/flows/${live.id}/claim`);
  await control(origin, `/flows/${live.id}/complete`, { step: 'compliance' });
  await waitForText(driver, 'flow-progress', /1 of 3/);
  // Its steps kept as a template (the side panel lists it; Bulk uses it).
  await type('template-name', 'Contractor onboarding');
  await click('template-save');
  await waitForText(driver, 'toast', /saved/);
  await shot('builder');
  await el('qr');
  await shot('flow', 'flow-card');

  await click('open-history');
  await waitFor(`[data-testid="history-row-${done.id}"]`, 'the first flow in History');
  await waitFor(`[data-testid="history-row-${live.id}"]`, 'the last flow in History');
  await shot('history');

  await click('open-remote');
  await driver.wait(async () => (await driver.findElements({ css: `[data-testid="remote-flows"] tbody tr, tr[data-testid^="remote-row"]` })).length >= 3
    || (await driver.executeScript(`return document.body.innerText.includes(${JSON.stringify(live.id)});`)), 20_000, 'no flows from Dots');
  await shot('remote');

  // Users in Dots, one of them funded from the app's wallet (Money and Audit then have a record).
  await control(origin, '/app-balance', { cents: 2_500_000 });
  const people = [
    ['Ana', 'Diaz', 'verified', 123456], ['Ben', 'Okafor', 'verified', 48200], ['Chen', 'Li', 'in_review', 0],
    ['Dana', 'Kowalski', 'unverified', 0], ['Eli', 'Moreau', 'verified', 910075],
  ];
  let ana;
  for (const [first, last, status, cents] of people) {
    const u = await control(origin, '/users', {
      first_name: first, last_name: last, email: `${first.toLowerCase()}@example.com`, country_code: '1',
      phone_number: '4155550100', status, wallet_cents: cents, default_payout_method: 'paypal', id_verified: status === 'verified',
      tax_id_verification: status === 'verified' ? 'matched' : 'pending',
    });
    ana ??= u;
  }
  await click('open-users');
  await waitFor(`[data-testid="user-row-${ana.id}"]`, 'the seeded users');
  await click(`user-open-${ana.id}`);
  await waitForText(driver, 'user-name', /Ana Diaz/i);
  await click('user-fund');
  await type('fund-amount', '250.00');
  await click('fund-review');
  await click('money-confirm');
  await driver.wait(async () => (await driver.findElements(byTestId('money-outcome'))).length > 0, 20_000, 'no outcome');
  const state = await driver.findElement(byTestId('money-outcome')).getAttribute('data-state');
  if (state !== 'done') throw new Error(`funding ended ${state}`);
  await waitForText(driver, 'user-wallet-amount', /\$1,484\.56/);
  await shot('users');

  await click('open-money');
  await el('money-view');
  await type('payout-amount', '40.00');
  await type('payout-first-name', 'Ben');
  await type('payout-last-name', 'Okafor');
  await type('payout-email', 'ben@example.com');
  await type('payout-phone-number', '4155550123');
  await type('payout-memo', 'March invoices');
  await shot('money');

  await click('open-audit');
  await el('audit-view');
  await driver.wait(async () => /250\.00/.test(await textOf(driver, 'audit-view')), 15_000, 'the audit log has no transfer');
  await shot('audit');

  // A receiver for webhooks on this machine, and one test event delivered to it.
  receiver = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await click('open-webhooks');
  await type('endpoint-url', `http://127.0.0.1:${receiver.address().port}/dots`);
  await click('endpoint-add');
  await waitFor('[data-testid="endpoints"] tbody tr', 'the endpoint');
  await click('trigger-send');
  await waitFor('[data-testid="deliveries"] tbody tr[data-status="succeeded"]', 'a delivered event');
  await shot('webhooks');

  // Bulk: a small CSV previewed (one row refused, with the core's reason).
  const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tour-')), 'payees.csv');
  fs.writeFileSync(csv, [
    'email,name,reference',
    'ana@example.com,Ana Diaz,batch-001',
    'ben@example.com,Ben Okafor,batch-002',
    'chen@example.com,Chen Li,batch-003',
    'not-an-email,Dana Kowalski,batch-004',
    'eli@example.com,Eli Moreau,batch-005',
  ].join('\n') + '\n');
  await click('open-bulk');
  await el('bulk-view');
  await driver.findElement(byTestId('bulk-file')).sendKeys(csv);
  await waitForText(driver, 'bulk-counts', /4 valid, 1 invalid/);
  await driver.findElement({ css: '[data-testid="bulk-template"] option[value="Contractor onboarding"]' }).click();
  await driver.wait(async () => (await driver.findElement(byTestId('bulk-start')).isEnabled()), 10_000, 'Bulk start stays disabled');
  await shot('bulk');

  await click('open-settings');
  await el('settings');
  await shot('settings');
  await click('close-settings');

}

app = await startApp();
driver = app.driver;
try {
  await run();
} finally {
  receiver?.close();
  await app.stop();
}
