// Webhooks for QA: on the Local sandbox, the endpoints it sends Dots' signed events to, a
// test event of any type, and every delivery live. Elsewhere, where Dots keeps them.
import { useState } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { ErrorNote } from '../components/ErrorNote';
import { useQuery } from '../desk/useQuery';
import { DeliveriesPanel } from './DeliveriesPanel';
import { EndpointsPanel } from './EndpointsPanel';
import { TriggerForm } from './TriggerForm';
import { webhooksIpc } from './webhooksIpc';
import './webhooks.css';

export function WebhooksView({ env }: { env: EnvironmentView | null }) {
  const envId = env?.id ?? null;
  const scope = useQuery(() => (envId ? webhooksIpc.scope(envId) : Promise.resolve(null)), [envId]);
  // Bumped after an action that adds deliveries, so the log reads again at once.
  const [sent, setSent] = useState(0);

  if (scope.error) return <ErrorNote error={scope.error} context="Webhooks" />;
  if (!scope.data || !envId) return null;
  if (!scope.data.here) {
    return (
      <div className="money-view" data-testid="webhooks-view">
        <section className="money-panel" aria-labelledby="webhooks-title">
          <h2 id="webhooks-title">Webhooks</h2>
          <p data-testid="webhooks-elsewhere">{scope.data.message}</p>
        </section>
      </div>
    );
  }
  return (
    <div className="money-view webhooks-view" data-testid="webhooks-view">
      <EndpointsPanel envId={envId} intro={scope.data.message} />
      <TriggerForm envId={envId} onSent={() => setSent((n) => n + 1)} />
      <DeliveriesPanel envId={envId} refreshKey={sent} />
    </div>
  );
}
