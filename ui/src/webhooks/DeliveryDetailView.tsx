// One delivery opened: the body as signed and sent, then each attempt's request headers,
// status, time and the first kilobyte of the reply.
import { useRef } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { ModalDialog } from '../components/ModalDialog';
import { useQuery } from '../desk/useQuery';
import { when } from '../when';
import { webhooksIpc } from './webhooksIpc';

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function DeliveryDetailView({ envId, id, onClose }: { envId: string; id: string; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  const detail = useQuery(() => webhooksIpc.delivery(envId, id), [envId, id]);
  const d = detail.data;
  return (
    <ModalDialog className="confirm-dialog webhooks-detail" labelledBy="delivery-title" testId="delivery-detail" safeButton={close} onCancel={onClose}>
      <h2 id="delivery-title">{d ? `${d.event} to ${d.endpoint_url}` : 'Delivery'}</h2>
      {detail.error ? <ErrorNote error={detail.error} context="Delivery" /> : null}
      {d ? (
        <>
          <p className="field-note">
            svix-id <code>{d.message_id}</code> · {d.status}
            {d.next_attempt ? ` · next attempt ${when(d.next_attempt)}` : ''}
          </p>
          <h3>Body</h3>
          <pre className="webhooks-pre" data-testid="delivery-body">{pretty(d.body)}</pre>
          <h3>Attempts</h3>
          {d.attempts.length === 0 ? <p className="empty">Not sent yet.</p> : null}
          <ol className="webhooks-attempts" data-testid="delivery-attempts">
            {d.attempts.map((a, i) => (
              <li key={i}>
                <p>
                  <strong>{a.status_code ?? 'no reply'}</strong> · {when(a.at)} · {a.latency_ms} ms
                  {a.error ? ` · ${a.error}` : ''}
                </p>
                <pre className="webhooks-pre">{a.request_headers.map(([n, v]) => `${n}: ${v}`).join('\n')}</pre>
                {a.reply ? <pre className="webhooks-pre">{a.reply}</pre> : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      <div className="form-buttons">
        <button type="button" ref={close} onClick={onClose} data-testid="delivery-close">
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
