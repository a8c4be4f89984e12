// The Webhooks screen's commands: the local sandbox's endpoints and delivery log, as the
// core reports them. Each names the environment: the core refuses any but Local (Sandbox
// and Production have theirs in Dots' dashboard).
import { call } from '../desk/call';
import type { DeliveryQuery } from '../bindings/DeliveryQuery';

export const webhooksIpc = {
  scope: (environmentId: string) => call('webhooks_scope', { environmentId }),
  events: () => call('webhook_events'),
  endpoints: (environmentId: string) => call('webhook_endpoints', { environmentId }),
  addEndpoint: (environmentId: string, url: string) => call('webhook_endpoint_add', { environmentId, url }),
  setEnabled: (environmentId: string, id: string, enabled: boolean) =>
    call('webhook_endpoint_set_enabled', { environmentId, id, enabled }),
  removeEndpoint: (environmentId: string, id: string) => call('webhook_endpoint_remove', { environmentId, id }),
  /** A test secret of the local sandbox, fetched only when the person asks to see it. */
  secret: (environmentId: string, id: string) => call('webhook_endpoint_secret', { environmentId, id }),
  deliveries: (environmentId: string, query: DeliveryQuery) => call('webhook_deliveries', { environmentId, query }),
  delivery: (environmentId: string, id: string) => call('webhook_delivery', { environmentId, id }),
  resend: (environmentId: string, id: string) => call('webhook_resend', { environmentId, id }),
  trigger: (environmentId: string, event: string, id: string | null) => call('webhook_trigger', { environmentId, event, id }),
};
