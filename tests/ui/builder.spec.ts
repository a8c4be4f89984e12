import { addSteps, createButton, expect, listedSteps, openApp, test } from './fixtures';

const USER = '0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60';

test('the page is served under the app\'s CSP', async ({ page }) => {
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  // The app runs under it (the auto fixture fails the test on any CSP report).
  await expect(page.getByTestId('catalog-compliance')).toBeVisible();
  await page.getByTestId('catalog-compliance').click();
  await expect(page.getByTestId('create-flow')).toBeEnabled();
});

test('the header shows the active environment, all read in one round trip before the first paint', async ({ page, core }) => {
  await openApp(page);
  await expect(page.getByRole('heading', { name: 'Flow Desk' })).toBeVisible();
  await expect(page.getByTestId('env-badge')).toHaveText('Local sandbox');
  // The Local sandbox has no base URL of its own: the address app_info reports.
  await expect(page.getByTestId('env-badge')).toHaveAttribute('title', `Requests go to ${core.sandbox.origin}/api`);
  await expect(page.getByTestId('env-badge')).toHaveClass(/env-badge--sandbox/);
  // One bootstrap instead of app_info, step_catalog, environments and view_state.
  expect(core.callsTo('bootstrap')).toHaveLength(1);
  for (const cmd of ['app_info', 'step_catalog', 'environments', 'view_state']) expect(core.callsTo(cmd), cmd).toHaveLength(0);
});

test('a production environment is shown as such', async ({ page, core }) => {
  await core.invoke('set_active_environment', { id: 'production' });
  await openApp(page);
  const badge = page.getByTestId('env-badge');
  await expect(badge).toHaveText('Production');
  await expect(badge).toHaveClass(/env-badge--live/);
  await expect(badge).toHaveAttribute('title', 'Requests go to https://api.dots.dev/api');
});

test('the palette lists every step and disables the ones already in the flow', async ({ page }) => {
  await openApp(page);
  const palette = page.locator('.palette-item');
  await expect(palette).toHaveCount(8);
  await expect(page.getByTestId('catalog-pdf-form-fill')).toContainText('PDF form fill');
  await expect(page.getByTestId('catalog-pdf-form-fill')).toContainText('fill in and sign one of your PDF templates');

  await addSteps(page, 'compliance', 'payout');
  expect(await listedSteps(page)).toEqual(['compliance', 'payout']);
  await expect(page.getByTestId('catalog-compliance')).toBeDisabled();
  await expect(page.getByTestId('catalog-payout')).toBeDisabled();
  await expect(page.getByTestId('catalog-redirect')).toBeEnabled();

  // Only the editors that apply to each step.
  const payout = page.getByTestId('step-payout');
  await expect(payout.getByTestId('opt-payout-auto_payout_enabled')).toBeVisible();
  await expect(payout.getByTestId('opt-payout-hide_continue_button')).toBeVisible();
  await expect(payout.locator('[data-testid^="opt-payout-redirect_url"]')).toHaveCount(0);
  await expect(page.getByTestId('step-compliance').locator('[data-testid^="opt-"]')).toHaveCount(1);
  await expect(payout.getByTestId('step-position')).toHaveText('2');

  await page.getByTestId('remove-compliance').click();
  expect(await listedSteps(page)).toEqual(['payout']);
  await expect(page.getByTestId('catalog-compliance')).toBeEnabled();
  await expect(payout.getByTestId('step-position')).toHaveText('1');
});

test('the implicit sign-in step shows while no user id is given', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  const implicit = page.getByTestId('implicit-step');
  await expect(implicit).toBeVisible();
  await expect(implicit).toContainText('Sign-in / onboarding');
  await expect(implicit).toContainText('Added by Dots when no user_id is given');
  await expect(implicit.locator('[data-testid^="handle-"]')).toHaveCount(0);
  // Greyed at the head of the list, before the first real step.
  await expect(page.locator('ol.step-list > li').first()).toHaveAttribute('data-testid', 'implicit-step');
  await expect(page.getByTestId('require-auth')).not.toBeChecked();

  await page.getByTestId('user-id').fill(USER);
  await expect(implicit).toHaveCount(0);
  // require_auth defaults on once a user id is typed, and is sent that way.
  await expect(page.getByTestId('require-auth')).toBeChecked();
  await expect.poll(() => core.lastRequest('validate_flow')).toEqual({
    steps: [{ name: 'compliance' }],
    user_id: USER,
    require_auth: true,
  });

  await page.getByTestId('user-id').fill('');
  await expect(page.getByTestId('implicit-step')).toBeVisible();
  await expect(page.getByTestId('require-auth')).not.toBeChecked();
});

test('violations from validate_flow show on their step and block create', async ({ page }) => {
  await openApp(page);
  // No step and no user: an onboarding-only link, which can be created.
  await expect(createButton(page)).toBeEnabled();
  await page.getByTestId('user-id').fill(USER);
  const needs = 'Add at least one step: a flow for an existing user needs something for them to do.';
  await expect(createButton(page)).toBeDisabled();
  await expect(page.getByTestId('create-reason')).toHaveText(needs);
  await expect(page.locator('.flow-options').getByTestId('violation')).toHaveText(needs);
  await page.getByTestId('user-id').fill('');

  await addSteps(page, 'compliance', 'redirect');
  const redirect = page.getByTestId('step-redirect');
  await expect(redirect.getByTestId('violation')).toHaveText('Step 2 (redirect) needs a redirect URL.');
  await expect(page.getByTestId('step-compliance').getByTestId('violation')).toHaveCount(0);
  await expect(createButton(page)).toBeDisabled();
  await expect(page.getByTestId('create-reason')).toHaveText('Step 2 (redirect) needs a redirect URL.');
  await expect(redirect.getByTestId('opt-redirect-redirect_url')).toHaveAttribute('aria-invalid', 'true');

  await redirect.getByTestId('opt-redirect-redirect_url').fill('https://example.com/done');
  await expect(redirect.getByTestId('violation')).toHaveCount(0);
  await expect(createButton(page)).toBeEnabled();

  // Flow-level violations go under the options.
  await page.getByTestId('user-id').fill('not-a-uuid');
  const flowLevel = page.locator('.flow-options').getByTestId('violation');
  await expect(flowLevel).toHaveText(/User id "not-a-uuid" is not a UUID/);
  await expect(createButton(page)).toBeDisabled();
});

test('a violation the core places on a step is drawn on that step only', async ({ page }) => {
  await openApp(page);
  await addSteps(page, 'pdf-form-fill', 'payout');
  const needs = 'Step 1 (pdf-form-fill) needs the id of the PDF template to fill.';
  await expect(page.getByTestId('step-pdf-form-fill').getByTestId('violation')).toHaveText(needs);
  await expect(page.getByTestId('step-payout').getByTestId('violation')).toHaveCount(0);
  await expect(createButton(page)).toBeDisabled();
  await expect(page.getByTestId('create-reason')).toHaveText(needs);
});

test('a slow reply to an older request never overwrites the newer one', async ({ page, core }) => {
  // The core's real answer to "slow" (not a UUID), held back until the newer one is drawn.
  const slow = core.hold('validate_flow', (args) => (args.request as { user_id?: string }).user_id === 'slow');
  await openApp(page);
  await addSteps(page, 'compliance');
  await page.getByTestId('user-id').fill('slow');
  await expect.poll(() => core.callsTo('validate_flow').some((c) => (c.args.request as { user_id?: string }).user_id === 'slow')).toBe(true);
  await page.getByTestId('user-id').fill(USER);
  await expect(createButton(page)).toBeEnabled();
  slow.release();
  await expect.poll(() => slow.answered).toBe(true);
  // Let the page take in the late reply, then check it was dropped.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  await expect(page.getByText('is not a UUID')).toHaveCount(0);
  await expect(createButton(page)).toBeEnabled();
});

test('the request body preview is what preview_request returns', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance', 'manage-payouts');
  await page.getByTestId('opt-manage-payouts-auto_payout_enabled').check();
  await page.getByTestId('reference').fill('TICKET-42');
  await page.getByText('Request body').click();
  const preview = page.getByTestId('preview');
  await expect(preview).toBeVisible();
  await expect
    .poll(async () => {
      // The preview shows "…" until the first reply arrives.
      try {
        return JSON.parse((await preview.textContent()) ?? 'null');
      } catch {
        return null;
      }
    })
    .toEqual({
      steps: ['compliance', { name: 'manage-payouts', auto_payout_enabled: true }],
      metadata: { reference: 'TICKET-42' },
    });
  expect(core.callsTo('preview_request').length).toBeGreaterThan(0);
});

test('require_auth is on by default with a user id, and the note says what off means', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await expect(page.getByTestId('require-auth-note')).toHaveCount(0);
  const user = '0b0c5e8f-6b3a-4d2e-9a77-3f1c2d4e5f60';
  await page.getByTestId('user-id').fill(user);
  await expect(page.getByTestId('require-auth')).toBeChecked();
  await expect(page.getByTestId('require-auth-note')).toContainText(
    'Off: whoever holds the link acts as this user for 15 minutes',
  );
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(core.lastRequest('create_flow')).toEqual({ steps: [{ name: 'compliance' }], user_id: user, require_auth: true });
});

test('metadata: key/value rows are sent with the reference; invalid JSON is shown and never sent', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await page.getByTestId('reference').fill('T-1');
  await page.getByTestId('metadata-add').click();
  await page.getByTestId('metadata-key-0').fill('team');
  await page.getByTestId('metadata-value-0').fill('support');
  await expect
    .poll(() => core.lastRequest('validate_flow')?.metadata)
    .toEqual({ team: 'support', reference: 'T-1' });

  // Raw JSON: seeded from the rows; broken JSON blocks create and is never sent.
  await page.getByTestId('metadata-mode-json').click();
  await expect(page.getByTestId('metadata-json')).toHaveValue(/"team": "support"/);
  await page.getByTestId('metadata-json').fill('{"team": ');
  await expect(page.getByTestId('metadata-error')).toContainText('not valid JSON');
  await expect(createButton(page)).toBeDisabled();
  await expect(page.getByTestId('create-reason')).toContainText('not valid JSON');
  const checks = core.callsTo('validate_flow').map((c) => JSON.stringify(c.args));
  expect(checks.some((c) => c.includes('"team": '))).toBe(false);
  await page.keyboard.press('Control+Enter');
  expect(core.callsTo('create_flow')).toHaveLength(0);

  await page.getByTestId('metadata-json').fill('[1, 2]');
  await expect(page.getByTestId('metadata-error')).toContainText('JSON object');
  await page.getByTestId('metadata-json').fill('{"team": "payouts", "tier": 2}');
  await expect(page.getByTestId('metadata-error')).toHaveCount(0);
  await expect(createButton(page)).toBeEnabled();
  await createButton(page).click();
  await expect(page.getByTestId('flow-card')).toBeVisible();
  expect(core.lastRequest('create_flow')?.metadata).toEqual({ team: 'payouts', tier: 2, reference: 'T-1' });
});

test('a palette item can be dragged into the flow (click still adds too)', async ({ page }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await page.getByTestId('catalog-payout').dragTo(page.getByTestId('flow-drop'));
  await expect.poll(() => listedSteps(page)).toEqual(['compliance', 'payout']);
  await expect(page.getByTestId('catalog-payout')).toBeDisabled();
});
