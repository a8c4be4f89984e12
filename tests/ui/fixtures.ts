// `test` with a `core` fixture: a fresh ui-host per test (the real commands and core in a
// new data folder, see host.ts), reached from the page through window.__flowDeskIpc
// (page.exposeFunction) with the IPC mock injected before the app's scripts, and the
// app's events pushed into the page as they are emitted.
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { Core } from './core';
import { Host, type HostOptions } from './host';
import { MOCK_BUNDLE } from './mock-bundle';
import { Sandbox } from './sandbox';

type Fixtures = { core: Core; cspViolations: string[]; hostOptions: HostOptions };

export const test = base.extend<Fixtures>({
  // A describe block may set them with test.use({ hostOptions: {...} }).
  hostOptions: [{}, { option: true }],
  // Auto: every page talks to a host, whether or not the test looks at it.
  core: [
    async ({ page, hostOptions }, use) => {
      const host = await Host.start(hostOptions);
      const core = new Core(host, new Sandbox(host.dataDir));
      await page.exposeFunction('__flowDeskIpc', (cmd: string, args: Record<string, unknown>) => core.handle(cmd, args));
      await page.addInitScript({ path: MOCK_BUNDLE });
      const stop = new AbortController();
      const pumping = pumpEvents(page, host, stop.signal);
      await use(core);
      stop.abort();
      await pumping;
      await host.stop();
    },
    { auto: true },
  ],
  // The preview server sends the app's CSP: anything the CSP blocks fails the test.
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) violations.push(msg.text());
      });
      page.on('pageerror', (err) => violations.push(`page error: ${err.message}`));
      await use(violations);
      expect(violations, 'CSP violations or uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

/** Forwards the app's events (flow-watch, bulk-progress, data-changed) into the page, in order. */
async function pumpEvents(page: Page, host: Host, signal: AbortSignal): Promise<void> {
  let seq = 0;
  while (!signal.aborted) {
    let events;
    try {
      events = await host.eventsAfter(seq, signal);
    } catch {
      if (signal.aborted) return;
      throw new Error('the ui-host stopped answering for events');
    }
    for (const e of events) {
      seq = e.seq;
      // Before the app has loaded, nobody listens: the real window would drop it too.
      await page
        .evaluate(([name, payload]) => window.__flowDeskEmit?.(name as string, payload), [e.event, e.payload] as const)
        .catch(() => {});
    }
  }
}

export { expect };

/** The names of the steps in the list, top to bottom (the implicit step excluded). */
export async function listedSteps(page: Page): Promise<string[]> {
  const ids = await page
    .locator('ol.step-list > li[data-testid^="step-"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.replace(/^step-/, ''));
}

/** Opens the app and waits until the catalog is drawn. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('catalog-compliance')).toBeVisible();
}

export async function addSteps(page: Page, ...names: string[]): Promise<void> {
  for (const name of names) await page.getByTestId(`catalog-${name}`).click();
}

export function createButton(page: Page): Locator {
  return page.getByTestId('create-flow');
}

/**
 * Asks the scheduler to look at the card's flow now. Its own poll may already have seen the
 * flow finish (the button is then disabled): that is the same outcome, so no click is needed.
 */
export async function refreshUnlessFinished(page: Page): Promise<void> {
  await page
    .getByTestId('refresh-flow')
    .click({ timeout: 2_000 })
    .catch(async (e: Error) => {
      if (!(await page.getByTestId('refresh-flow').isDisabled())) throw e;
    });
}
