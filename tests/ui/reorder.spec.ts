import type { Page } from '@playwright/test';
import { addSteps, createButton, expect, listedSteps, openApp, test } from './fixtures';

async function center(page: Page, testId: string): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} has no box`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags a step by its handle with real pointer events, in small moves, onto `targetY`. */
async function dragHandle(page: Page, name: string, targetY: number): Promise<void> {
  const from = await center(page, `handle-${name}`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  // Past the activation distance first, then on to the target in several steps.
  await page.mouse.move(from.x, from.y + (targetY > from.y ? 8 : -8), { steps: 4 });
  await page.mouse.move(from.x, targetY, { steps: 12 });
  await page.mouse.move(from.x, targetY + (targetY > from.y ? 2 : -2), { steps: 2 });
  await page.mouse.up();
}

/**
 * dnd-kit's keyboard sensor announces "Picked up" first and starts listening for arrows
 * in a setTimeout after that: a page timeout queued now runs after it, so the next key
 * is not lost (it was, on a busy machine).
 */
async function sensorListening(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
}

/**
 * Moves a step with the keyboard: focus its handle, Space, arrows, Space. Waits for each
 * screen-reader announcement, as a person waits for the step to move.
 */
async function keyboardMove(page: Page, name: string, title: string, by: number): Promise<void> {
  const live = page.locator('[id^="DndLiveRegion"]');
  const start = (await listedSteps(page)).indexOf(name) + 1;
  const count = (await listedSteps(page)).length;
  await page.getByTestId(`handle-${name}`).focus();
  await page.keyboard.press('Space');
  await expect(live).toHaveText(`Picked up ${title}, step ${start} of ${count}.`);
  await sensorListening(page);
  for (let i = 1; i <= Math.abs(by); i++) {
    await page.keyboard.press(by > 0 ? 'ArrowDown' : 'ArrowUp');
    await expect(live).toHaveText(`${title} is over position ${start + Math.sign(by) * i} of ${count}.`);
  }
  await page.keyboard.press('Space');
  await expect(live).toHaveText(`${title} dropped at position ${start + by} of ${count}.`);
}

async function createAndGetSentSteps(page: Page, core: { lastRequest(cmd: string): unknown }) {
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  const request = core.lastRequest('create_flow') as { steps: Array<{ name: string }> };
  return request.steps.map((s) => s.name);
}

test('reorders steps by mouse drag on the handles', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'id-verification', 'manage-payouts');
  expect(await listedSteps(page)).toEqual(['compliance', 'id-verification', 'manage-payouts']);

  // The last step up to the top.
  const top = await center(page, 'step-compliance');
  await dragHandle(page, 'manage-payouts', top.y - 10);
  await expect.poll(() => listedSteps(page)).toEqual(['manage-payouts', 'compliance', 'id-verification']);
  await expect(page.getByTestId('step-manage-payouts').getByTestId('step-position')).toHaveText('1');

  // The (new) first step down below the second.
  const second = await center(page, 'step-compliance');
  await dragHandle(page, 'manage-payouts', second.y + 10);
  await expect.poll(() => listedSteps(page)).toEqual(['compliance', 'manage-payouts', 'id-verification']);

  // The order that reaches create_flow is the order on screen.
  expect(await createAndGetSentSteps(page, core)).toEqual(['compliance', 'manage-payouts', 'id-verification']);
  await expect(page.getByTestId('flow-card').locator('[data-testid^="flow-step-"]')).toHaveCount(3);
  const shown = await page
    .getByTestId('flow-card')
    .locator('[data-testid^="flow-step-"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')));
  expect(shown).toEqual(['flow-step-compliance', 'flow-step-manage-payouts', 'flow-step-id-verification']);
});

test('a short click on a handle does not move anything', async ({ page }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'payout');
  const handle = await center(page, 'handle-payout');
  await page.mouse.move(handle.x, handle.y);
  await page.mouse.down();
  await page.mouse.move(handle.x, handle.y - 2);
  await page.mouse.up();
  expect(await listedSteps(page)).toEqual(['compliance', 'payout']);
});

test('reorders steps with the keyboard and announces it', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'id-verification', 'payout');

  // Focus the handle, Space, ArrowDown, Space: compliance goes one down.
  await keyboardMove(page, 'compliance', 'Compliance', 1);
  await expect.poll(() => listedSteps(page)).toEqual(['id-verification', 'compliance', 'payout']);
  await expect(page.getByTestId('step-compliance').getByTestId('step-position')).toHaveText('2');
  // Focus stays on the moved step's handle.
  await expect(page.getByTestId('handle-compliance')).toBeFocused();

  // Two down: to the end.
  await keyboardMove(page, 'id-verification', 'ID verification', 2);
  await expect.poll(() => listedSteps(page)).toEqual(['compliance', 'payout', 'id-verification']);

  // Escape cancels a move.
  const live = page.locator('[id^="DndLiveRegion"]');
  await page.getByTestId('handle-payout').focus();
  await page.keyboard.press('Space');
  await expect(live).toHaveText('Picked up Payout, step 2 of 3.');
  await sensorListening(page);
  await page.keyboard.press('ArrowUp');
  await expect(live).toHaveText('Payout is over position 1 of 3.');
  await page.keyboard.press('Escape');
  await expect(live).toHaveText('Moving Payout was cancelled. It stays at position 2 of 3.');
  await expect.poll(() => listedSteps(page)).toEqual(['compliance', 'payout', 'id-verification']);

  expect(await createAndGetSentSteps(page, core)).toEqual(['compliance', 'payout', 'id-verification']);
});

test('violations follow their step when it is dragged', async ({ page }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'redirect', 'payout');
  // payout after the redirect breaks the "redirect is last" rule.
  await expect(page.getByTestId('step-payout').getByTestId('violation')).toContainText('comes after the redirect');
  await page.getByTestId('opt-redirect-redirect_url').fill('https://example.com/done');

  await keyboardMove(page, 'redirect', 'Redirect', 1);
  await expect.poll(() => listedSteps(page)).toEqual(['compliance', 'payout', 'redirect']);
  await expect(page.getByTestId('violation')).toHaveCount(0);
  await expect(createButton(page)).toBeEnabled();
});
