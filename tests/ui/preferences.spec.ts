import { addSteps, createButton, expect, openApp, test } from './fixtures';

test('the email template and the check interval are edited in settings', async ({ page, core }) => {
  await openApp(page);
  await page.getByTestId('open-settings').click();
  const prefs = page.getByTestId('preferences');
  await expect(prefs.getByTestId('prefs-subject')).toHaveValue('Finish setting up your payouts');
  await prefs.getByTestId('prefs-subject').fill('Your link for {reference}');
  await prefs.getByTestId('prefs-body').fill('Hello, open {link} to do: {steps}');
  await prefs.getByTestId('prefs-save-email').click();
  await expect(prefs.getByTestId('prefs-saved')).toHaveText('Email template saved');
  expect(core.callsTo('set_email_template').at(-1)?.args).toEqual({
    template: { subject: 'Your link for {reference}', body: 'Hello, open {link} to do: {steps}' },
  });
  expect((await core.invoke<{ email_template: unknown }>('preferences')).email_template).toEqual({
    subject: 'Your link for {reference}',
    body: 'Hello, open {link} to do: {steps}',
  });
  await prefs.getByTestId('prefs-poll').fill('30');
  await prefs.getByTestId('prefs-save-poll').click();
  await expect(prefs.getByTestId('prefs-saved')).toHaveText('Interval saved');
  expect(core.callsTo('set_poll_interval').at(-1)?.args).toEqual({ seconds: 30 });
  expect((await core.invoke<{ poll_interval_secs: number }>('preferences')).poll_interval_secs).toBe(30);
});

test('hide "Go to dashboard" is a flow option sent with the request', async ({ page, core }) => {
  await openApp(page);
  await addSteps(page, 'compliance');
  await page.getByTestId('hide-dashboard').check();
  await createButton(page).click();
  await expect(page.getByTestId('flow-link')).toBeVisible();
  expect(core.lastRequest('create_flow')?.hide_go_to_dashboard_on_complete).toBe(true);
});
