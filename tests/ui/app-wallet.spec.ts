// Money shows the app wallet a payout draws on, as the core knows it: the local sandbox's
// balance, or why an App key cannot read it.
import { expect, openApp, test } from './fixtures';

test('Money shows the local app wallet, and says why an App key cannot', async ({ page, core }) => {
  await core.sandbox.setAppBalance(123_456);
  await openApp(page);
  await page.getByTestId('open-money').click();
  await expect(page.getByTestId('app-wallet-balance')).toHaveText('$1,234.56');

  await core.invoke('set_active_environment', { id: 'sandbox' });
  await page.reload();
  await page.getByTestId('open-money').click();
  await expect(page.getByTestId('app-wallet-note')).toContainText('Organization keys');
  await expect(page.getByTestId('app-wallet-balance')).toHaveCount(0);
});
