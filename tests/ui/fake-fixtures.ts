// The fake-backed fixture, kept only while the specs still importing it move to the
// real core (fixtures.ts); it goes away with fake-*.ts.
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { FakeBackend } from './fake-backend';
import { MOCK_BUNDLE } from './mock-bundle';

type Fixtures = { backend: FakeBackend; cspViolations: string[] };

export const test = base.extend<Fixtures>({
  // Auto: every page gets the mock, whether or not the test looks at the backend.
  backend: [
    async ({ page }, use) => {
      const backend = new FakeBackend();
      await page.exposeFunction('__flowDeskIpc', (cmd: string, args: Record<string, unknown>) =>
        backend.handle(cmd, args),
      );
      await page.addInitScript({ path: MOCK_BUNDLE });
      await use(backend);
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

/** The backend emits an event (e.g. flow-watch) into the page, as the Rust side would. */
export async function emitEvent(page: Page, event: string, payload: unknown): Promise<void> {
  await page.evaluate(
    ([e, p]) => (window as unknown as { __flowDeskEmit: (e: string, p: unknown) => Promise<void> }).__flowDeskEmit(e as string, p),
    [event, payload] as const,
  );
}
