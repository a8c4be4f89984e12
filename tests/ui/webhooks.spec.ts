// The Webhooks screen on the real core and its local sandbox: an endpoint added in the UI
// gets Dots' signed events from real step completions, the log shows each delivery live,
// a delivery opens with its request and reply, a failed one is resent, and a test event of
// any type goes out. Sandbox and Production only say where Dots keeps their webhooks.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, openApp, test } from './fixtures';

/** A receiver on loopback that records each POST and answers from a script, then 200. */
async function receiver(script: number[] = []) {
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = script.shift() ?? 200;
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hooks`, got, close: () => new Promise((r) => server.close(r)) };
}

/** Svix's scheme, checked here in Node: v1 = base64(HMAC-SHA256(key, `${id}.${ts}.${body}`)). */
function verifies(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${headers['svix-id']}.${headers['svix-timestamp']}.${body}`).digest();
  return String(headers['svix-signature'])
    .split(' ')
    .map((entry) => entry.split(','))
    .some(([version, sig]) => version === 'v1' && sig !== undefined && timingSafeEqual(Buffer.from(sig, 'base64'), expected));
}

test('walking the hosted page in Chromium sends one signed flow.updated per completed step', async ({ core, context }) => {
  const rx = await receiver();
  const endpoint = await core.invoke<{ id: string }>('webhook_endpoint_add', { environmentId: 'local', url: rx.url });
  const secret = await core.invoke<string>('webhook_endpoint_secret', { environmentId: 'local', id: endpoint.id });
  const steps = ['compliance', 'id-verification', 'background-check', 'manage-payouts'];
  const created = await core.invoke<{ flow: { id: string; link: string } }>('create_flow', {
    request: { steps: steps.map((name) => ({ name })), user_id: null, metadata: null, require_auth: null, hide_go_to_dashboard_on_complete: null },
    environmentId: 'local',
  });
  const { id, link } = created.flow;

  const hosted = await context.newPage();
  await hosted.goto(link);
  await hosted.getByTestId('first-name').fill('Ada');
  await hosted.getByTestId('last-name').fill('Lovelace');
  await hosted.getByTestId('email').fill('ada@example.com');
  await hosted.getByTestId('onboard').click();
  for (const step of steps) {
    await hosted.getByTestId(`complete-${step}`).click();
    await expect(hosted.getByTestId(`step-${step}`)).toHaveAttribute('data-state', 'done');
  }
  await expect(hosted.getByTestId('flow-done')).toBeVisible();

  // One flow.updated for onboarding (the sandbox's documented choice) and one per step;
  // id verification, background check and payout methods also send their user events.
  const flowUpdates = () => rx.got.filter((r) => JSON.parse(r.body).event === 'flow.updated');
  await expect.poll(() => flowUpdates().length).toBe(steps.length + 1);
  await expect.poll(() => rx.got.length).toBe(steps.length + 1 + 3);
  for (const r of rx.got) expect(verifies(secret, r.headers, r.body), r.body).toBe(true);
  expect(flowUpdates().every((r) => JSON.parse(r.body).flow_id === id)).toBe(true);
  const userEvents = rx.got.map((r) => JSON.parse(r.body)).filter((b) => b.user_id !== undefined);
  expect(userEvents).toHaveLength(3);
  // A tampered body would not verify.
  expect(verifies(secret, rx.got[0]!.headers, rx.got[0]!.body + ' ')).toBe(false);
  await hosted.close();
  await rx.close();
});

test('an endpoint added here gets a signed flow.updated per completed step, shown live', async ({ page, core }) => {
  const rx = await receiver([500]);
  await openApp(page);
  await page.getByTestId('open-webhooks').click();
  await expect(page.getByTestId('endpoints-empty')).toBeVisible();
  await page.getByTestId('endpoint-url').fill(rx.url);
  await page.getByTestId('endpoint-add').click();
  await expect(page.getByTestId('endpoints')).toContainText(rx.url);

  const flow = await core.invoke<{ flow: { id: string } }>('create_flow', {
    request: { steps: [{ name: 'compliance' }], user_id: null, metadata: null, require_auth: null, hide_go_to_dashboard_on_complete: null },
    environmentId: 'local',
  });
  const id = flow.flow.id;
  await core.sandbox.claim(id);
  await core.sandbox.complete(id, 'compliance');

  // Onboarding and the step: two flow.updated. The first attempt is answered 500 (its retry is
  // due 5 s later, on Svix's schedule); the log shows both deliveries live.
  const rows = page.locator('[data-testid="deliveries"] tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('deliveries')).toContainText('flow.updated');
  await expect.poll(() => rx.got.length).toBeGreaterThanOrEqual(2);
  for (const r of rx.got) {
    expect(r.headers['svix-id']).toMatch(/^msg_/);
    expect(r.headers['svix-signature']).toMatch(/^v1,/);
    expect(JSON.parse(r.body)).toEqual({ event: 'flow.updated', flow_id: id });
  }

  // Open one: the body as sent and the attempts with their headers.
  await rows.first().getByTestId('delivery-open').click();
  const detail = page.getByTestId('delivery-detail');
  await expect(detail.getByTestId('delivery-body')).toContainText(id);
  await expect(detail.getByTestId('delivery-attempts')).toContainText('svix-signature');
  await detail.getByTestId('delivery-close').click();
  await expect(detail).toBeHidden();
  await rx.close();
});

test('deliveries filter by status and resend; a test event of any type goes out; the secret shows on request', async ({ page, core }) => {
  const rx = await receiver();
  await openApp(page);
  await page.getByTestId('open-webhooks').click();
  await page.getByTestId('endpoint-url').fill(rx.url);
  await page.getByTestId('endpoint-add').click();
  await expect(page.getByTestId('endpoints')).toContainText(rx.url);

  await page.getByTestId('endpoint-reveal').click();
  await expect(page.getByTestId('endpoint-secret')).toHaveText(/^whsec_/);
  await expect(page.getByTestId('endpoint-reveal')).toHaveCount(0);

  const user = await core.sandbox.seedUser({ status: 'verified' });
  await page.getByTestId('trigger-event').selectOption('user.updated.payout_method');
  await page.getByTestId('trigger-id').fill(user.id);
  await page.getByTestId('trigger-send').click();
  await expect.poll(() => rx.got.map((r) => JSON.parse(r.body))).toContainEqual({ user_id: user.id });
  await expect(page.locator('[data-testid="deliveries"] tbody tr[data-status="succeeded"]')).toHaveCount(1);

  // An unknown id is refused by the core, in plain words.
  await page.getByTestId('trigger-id').fill('00000000-0000-4000-8000-000000000000');
  await page.getByTestId('trigger-send').click();
  await expect(page.getByTestId('error-message')).toContainText('not found');

  await page.getByTestId('deliveries-status').selectOption('failed');
  await expect(page.getByTestId('deliveries-empty')).toContainText('No delivery matches');
  await page.getByTestId('deliveries-status').selectOption('');
  await page.getByTestId('delivery-resend').first().click();
  await expect.poll(() => rx.got.length).toBe(2);
  await rx.close();
});

test('Sandbox and Production point to Dots’ dashboard', async ({ page, core }) => {
  await core.invoke('set_active_environment', { id: 'sandbox' });
  await openApp(page);
  await page.getByTestId('open-webhooks').click();
  await expect(page.getByTestId('webhooks-elsewhere')).toContainText('dashboard');
  await expect(page.getByTestId('endpoint-form')).toHaveCount(0);
});
