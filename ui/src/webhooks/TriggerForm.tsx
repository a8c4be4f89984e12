// A test event of any type Dots sends, about a real object of the local sandbox.
import { useState, type FormEvent } from 'react';
import type { AppError } from '../bindings/AppError';
import { ErrorNote } from '../components/ErrorNote';
import { toAppError } from '../ipc';
import { useNotify } from '../desk/notify';
import { useQuery } from '../desk/useQuery';
import { webhooksIpc } from './webhooksIpc';

export function TriggerForm({ envId, onSent }: { envId: string; onSent: () => void }) {
  const notify = useNotify();
  const events = useQuery(() => webhooksIpc.events(), []);
  const [event, setEvent] = useState('flow.updated');
  const [id, setId] = useState('');
  const [error, setError] = useState<AppError | null>(null);

  const send = (e: FormEvent) => {
    e.preventDefault();
    webhooksIpc.trigger(envId, event, id.trim() || null).then(
      (r) => {
        setError(null);
        const n = r.deliveries.length;
        notify(`${r.event} about ${r.subject} ${r.id} sent to ${n} endpoint${n === 1 ? '' : 's'}`);
        onSent();
      },
      (err: unknown) => setError(toAppError(err)),
    );
  };

  return (
    <section className="money-panel" aria-labelledby="trigger-title">
      <h2 id="trigger-title">Send a test event</h2>
      <form className="form form--row" onSubmit={send} data-testid="trigger-form">
        <label className="field">
          <span>Event</span>
          <select value={event} onChange={(e) => setEvent(e.target.value)} data-testid="trigger-event">
            {(events.data ?? [event]).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>About (id, optional)</span>
          <input value={id} onChange={(e) => setId(e.target.value)} placeholder="the newest one" data-testid="trigger-id" />
        </label>
        <div className="form-buttons webhooks-add">
          <button type="submit" className="primary" data-testid="trigger-send">
            Send test event
          </button>
        </div>
      </form>
      {error ? <ErrorNote error={error} context="Test event" /> : null}
    </section>
  );
}
