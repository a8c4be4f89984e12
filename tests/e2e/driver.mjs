// One tauri-driver (WebDriver for the real Tauri window, backed by WebKitWebDriver) per
// test file, and a session on the debug build of the app. Needs DISPLAY (scripts/test.sh
// starts one Xvfb for the whole suite).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { before, after } from 'node:test';
import { Builder } from 'selenium-webdriver';

export const APP = path.resolve(process.env.FLOWDESK_APP ?? 'target/debug/flow-desk');

/** The app's data folder, as Tauri names it on Linux: `$XDG_DATA_HOME/com.flowdesk.desk`
 *  (scripts/test.sh points XDG_DATA_HOME at a scratch folder; the app inherits it). */
export function appDataDir() {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'com.flowdesk.desk');
}

/** The `Authorization` header for the app's local sandbox at `origin`: its controls take the
 *  API's HTTP Basic credentials, kept in `sandbox.json` (0600) in the app's data folder. */
export function sandboxAuthorization(origin) {
  const file = path.join(appDataDir(), 'sandbox.json');
  const { port, client_id: clientId, api_key: apiKey } = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (`http://127.0.0.1:${port}` !== origin) {
    throw new Error(`${file} names port ${port}, but the app's sandbox is at ${origin}`);
  }
  return `Basic ${Buffer.from(`${clientId}:${apiKey}`).toString('base64')}`;
}

/** Resolves once something accepts connections on the port; polls a refused connect. */
function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(); });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** A port nothing listens on right now (asked of the OS), so a stale driver cannot collide. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startApp() {
  const [port, nativePort] = [await freePort(), await freePort()];
  // Its own process group (so stop() can end the driver, WebKitWebDriver and the app
  // together), and its output through a pipe this process owns: an app left running must
  // not hold the test runner's own stdout open, or the runner never exits.
  const driverProcess = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  driverProcess.stdout.on('data', (d) => process.stdout.write(d));
  driverProcess.stderr.on('data', (d) => process.stderr.write(d));
  const exited = new Promise((_, reject) => driverProcess.once('exit', (code) => reject(new Error(`tauri-driver exited (${code})`))));
  await Promise.race([waitForPort(port, 30_000), exited]);
  const driver = await new Builder()
    .usingServer(`http://127.0.0.1:${port}/`)
    .withCapabilities({ browserName: 'wry', 'tauri:options': { application: APP } })
    .build();
  return {
    driver,
    async stop() {
      await driver.quit().catch(() => {});
      try {
        process.kill(-driverProcess.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      // An app WebKitWebDriver started in a session of its own would escape the group.
      spawnSync('pkill', ['-KILL', '-f', `^${APP}( |$)`]);
      driverProcess.stdout.destroy();
      driverProcess.stderr.destroy();
    },
  };
}

/** Debian's Chromium through playwright-core: the browser a user opens a hosted link in. */
export async function startBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** For a test file that needs both: the app window and a Chromium, started before its tests
 *  and closed after them. Read `session.app.driver` and `session.browser` inside the tests. */
export function appAndBrowser() {
  const session = {};
  before(async () => {
    session.app = await startApp();
    session.browser = await startBrowser();
  });
  after(async () => {
    await session.browser?.close();
    await session.app?.stop();
  });
  return session;
}
