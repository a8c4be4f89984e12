// Every delivery, newest first, read again every two seconds while shown: filters by
// event and status, resend, and one delivery opened with its request and replies.
import { useEffect, useState } from 'react';
import type { AppError } from '../bindings/AppError';
import type { DeliveryState } from '../bindings/DeliveryState';
import { DataTable } from '../components/DataTable';
import { ErrorNote } from '../components/ErrorNote';
import { toAppError } from '../ipc';
import { useNotify } from '../desk/notify';
import { useQuery } from '../desk/useQuery';
import { when } from '../when';
import { DeliveryDetailView } from './DeliveryDetailView';
import { webhooksIpc } from './webhooksIpc';

const LIVE_MS = 2000;
const PAGE = 50;

export function DeliveriesPanel({ envId, refreshKey }: { envId: string; refreshKey: number }) {
  const notify = useNotify();
  const events = useQuery(() => webhooksIpc.events(), []);
  const [event, setEvent] = useState('');
  const [status, setStatus] = useState<DeliveryState | ''>('');
  const [limit, setLimit] = useState(PAGE);
  const [tick, setTick] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const page = useQuery(
    () => webhooksIpc.deliveries(envId, { event: event || undefined, status: status || undefined, limit }),
    [envId, event, status, limit, tick, refreshKey],
  );

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), LIVE_MS);
    return () => clearInterval(timer);
  }, []);

  const resend = (id: string) =>
    webhooksIpc.resend(envId, id).then(
      () => {
        setError(null);
        notify('Sending again');
        setTick((t) => t + 1);
      },
      (e: unknown) => setError(toAppError(e)),
    );

  const rows = page.data?.data ?? [];
  return (
    <section className="money-panel" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries</h2>
      <div className="form form--row webhooks-filters">
        <label className="field">
          <span>Event</span>
          <select value={event} onChange={(e) => setEvent(e.target.value)} data-testid="deliveries-event">
            <option value="">All events</option>
            {(events.data ?? []).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as DeliveryState | '')} data-testid="deliveries-status">
            <option value="">Any status</option>
            <option value="pending">Pending</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </label>
      </div>
      {error ? <ErrorNote error={error} context="Resend" /> : null}
      {page.error ? <ErrorNote error={page.error} context="Deliveries" /> : null}
      {page.data && rows.length === 0 ? (
        <p className="empty" data-testid="deliveries-empty">
          {page.data.total === 0
            ? 'No delivery yet: add an endpoint, then complete a step on a hosted flow page or send a test event.'
            : 'No delivery matches these filters.'}
        </p>
      ) : null}
      {rows.length > 0 ? (
        <DataTable headers={['Time', 'Event', 'Endpoint', 'Status', 'Attempts', 'Last reply', <span className="visually-hidden">Actions</span>]} testId="deliveries">
          {rows.map((d) => (
            <tr key={d.id} data-testid={`delivery-${d.id}`} data-status={d.status}>
              <td>{when(d.created)}</td>
              <td>{d.event}</td>
              <td className="webhooks-url">{d.endpoint_url}</td>
              <td>
                <span className={`webhooks-status webhooks-status--${d.status}`}>{d.status}</span>
              </td>
              <td>{d.attempts}</td>
              <td>{d.last_status_code ?? d.last_error ?? '–'}</td>
              <td className="webhooks-actions">
                <button type="button" className="small" onClick={() => setOpen(d.id)} data-testid="delivery-open">
                  Open
                </button>{' '}
                <button type="button" className="small" onClick={() => void resend(d.id)} data-testid="delivery-resend">
                  Resend
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {page.data?.has_more ? (
        <button type="button" className="small" onClick={() => setLimit((l) => l + PAGE)} data-testid="deliveries-more">
          Show older
        </button>
      ) : null}
      {open ? <DeliveryDetailView envId={envId} id={open} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}
