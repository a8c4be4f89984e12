// The Webhooks screen's commands: the local sandbox's endpoints and delivery log, as the
// core reports them (Sandbox and Production have theirs in Dots' dashboard).
import { call } from '../desk/call';
import type { DeliveryQuery } from '../bindings/DeliveryQuery';

export const webhooksIpc = {
  scope: (environmentId: string) => call('webhooks_scope', { environmentId }),
  events: () => call('webhook_events'),
  endpoints: () => call('webhook_endpoints'),
  addEndpoint: (url: string) => call('webhook_endpoint_add', { url }),
  setEnabled: (id: string, enabled: boolean) => call('webhook_endpoint_set_enabled', { id, enabled }),
  removeEndpoint: (id: string) => call('webhook_endpoint_remove', { id }),
  /** A test secret of the local sandbox, fetched only when the person asks to see it. */
  secret: (id: string) => call('webhook_endpoint_secret', { id }),
  deliveries: (query: DeliveryQuery) => call('webhook_deliveries', { query }),
  delivery: (id: string) => call('webhook_delivery', { id }),
  resend: (id: string) => call('webhook_resend', { id }),
  trigger: (event: string, id: string | null) => call('webhook_trigger', { event, id }),
};
