// The local sandbox's endpoints: add a URL, disable, remove, and reveal a secret on request.
import { useState, type FormEvent } from 'react';
import type { AppError } from '../bindings/AppError';
import type { WebhookEndpoint } from '../bindings/WebhookEndpoint';
import { DataTable } from '../components/DataTable';
import { ErrorNote } from '../components/ErrorNote';
import { ipc, toAppError } from '../ipc';
import { useNotify } from '../desk/notify';
import { useQuery } from '../desk/useQuery';
import { webhooksIpc } from './webhooksIpc';

export function EndpointsPanel({ envId, intro }: { envId: string; intro: string }) {
  const notify = useNotify();
  const endpoints = useQuery(() => webhooksIpc.endpoints(envId), [envId]);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const [secrets, setSecrets] = useState<Record<string, string>>({});

  const act = (what: Promise<unknown>, done?: string) =>
    what.then(
      () => {
        setError(null);
        endpoints.reload();
        if (done) notify(done);
      },
      (e: unknown) => setError(toAppError(e)),
    );

  const add = (e: FormEvent) => {
    e.preventDefault();
    void act(webhooksIpc.addEndpoint(envId, url).then(() => setUrl('')), 'Endpoint added');
  };

  const reveal = (endpoint: WebhookEndpoint) =>
    webhooksIpc.secret(envId, endpoint.id).then(
      (secret) => setSecrets((s) => ({ ...s, [endpoint.id]: secret })),
      (e: unknown) => setError(toAppError(e)),
    );

  const list = endpoints.data ?? [];
  return (
    <section className="money-panel" aria-labelledby="endpoints-title">
      <h2 id="endpoints-title">Webhook endpoints</h2>
      <p className="field-note">{intro}</p>
      <form className="form form--row" onSubmit={add} data-testid="endpoint-form">
        <label className="field">
          <span>Endpoint URL</span>
          <input
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="http://127.0.0.1:4011/"
            data-testid="endpoint-url"
          />
        </label>
        <div className="form-buttons webhooks-add">
          <button type="submit" className="primary" disabled={!url.trim()} data-testid="endpoint-add">
            Add endpoint
          </button>
        </div>
      </form>
      {error ? <ErrorNote error={error} context="Endpoints" /> : null}
      {endpoints.error ? <ErrorNote error={endpoints.error} context="Endpoints" /> : null}
      {endpoints.data && list.length === 0 ? (
        <p className="empty" data-testid="endpoints-empty">
          No endpoint yet. Add your backend's URL above, or run <code>flowdesk webhooks listen</code> and add{' '}
          <button type="button" className="link-button" onClick={() => setUrl('http://127.0.0.1:4011/')} data-testid="endpoint-use-listen">
            http://127.0.0.1:4011/
          </button>
          .
        </p>
      ) : null}
      {list.length > 0 ? (
        <DataTable headers={['URL', 'State', 'Secret', <span className="visually-hidden">Actions</span>]} kind="list" testId="endpoints">
          {list.map((e) => (
            <tr key={e.id} data-testid={`endpoint-${e.id}`}>
              <td className="webhooks-url">{e.url}</td>
              <td>{e.enabled ? 'Enabled' : 'Disabled'}</td>
              <td>
                {secrets[e.id] !== undefined ? (
                  <span className="webhooks-secret">
                    <code data-testid="endpoint-secret">{secrets[e.id]}</code>{' '}
                    <button type="button" className="small" onClick={() => void ipc.copyText(secrets[e.id] ?? '').then(() => notify('Secret copied'))}>
                      Copy
                    </button>{' '}
                    <button type="button" className="small" onClick={() => setSecrets(({ [e.id]: _, ...rest }) => rest)}>
                      Hide
                    </button>
                  </span>
                ) : (
                  <button type="button" className="small" onClick={() => void reveal(e)} data-testid="endpoint-reveal">
                    Reveal
                  </button>
                )}
              </td>
              <td className="webhooks-actions">
                <button type="button" className="small" onClick={() => void act(webhooksIpc.setEnabled(envId, e.id, !e.enabled))} data-testid="endpoint-toggle">
                  {e.enabled ? 'Disable' : 'Enable'}
                </button>{' '}
                <button type="button" className="small danger" onClick={() => void act(webhooksIpc.removeEndpoint(envId, e.id), 'Endpoint removed')} data-testid="endpoint-remove">
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
