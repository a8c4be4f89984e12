import { useEffect } from 'react';
import type { FlowView } from '../bindings/FlowView';
import type { ListParams } from '../bindings/ListParams';
import { ipc } from '../ipc';
import { DataTable } from './DataTable';
import { ErrorNote } from './ErrorNote';
import { Pager } from './Pager';
import { useCursorPages } from './useCursorPages';

const LIMIT = 25;
const FLOW_COLUMNS = ['Created', 'Flow id', 'Steps', 'Progress', 'User'];

/** The active environment's flows as Dots lists them, page by page. */
type Props = { environmentId: string; environmentName: string; onBuild: () => void };

export function RemoteFlows({ environmentId, environmentName, onBuild }: Props) {
  const pages = useCursorPages<FlowView, ListParams>(environmentId, { limit: LIMIT }, ipc.listRemoteFlows, (v) => v.flow.id);
  const { page, loading, error, restart } = pages;

  // Another environment: its list starts on page 1.
  useEffect(() => restart({ limit: LIMIT }), [environmentId, restart]);

  return (
    <section className="history" aria-labelledby="remote-title" data-testid="remote">
      <div className="history-bar">
        <h2 id="remote-title">From Dots — {environmentName}</h2>
        <Pager pages={pages} idPrefix="remote" />
      </div>
      {error ? (
        <>
          <ErrorNote error={error} context="From Dots" />
          <p className="hint">Check the environment's key in Settings, then switch back to this view.</p>
        </>
      ) : null}
      {loading && !page ? <p className="hint">Loading the flows from Dots…</p> : null}
      {page && page.data.length === 0 ? (
        <p className="empty" data-testid="remote-empty">
          Dots has no flows in {environmentName} yet.{' '}
          <button type="button" className="link-button" onClick={onBuild} data-testid="remote-go-builder">
            Compose one in the builder
          </button>
        </p>
      ) : null}
      {page && page.data.length > 0 ? (
        <DataTable kind="list" headers={FLOW_COLUMNS}>
          {page.data.map(({ flow: f, progress }) => (
            <tr key={f.id} data-testid={`remote-row-${f.id}`}>
              <td>{f.created ? new Date(f.created).toLocaleString() : '—'}</td>
              <td>
                <code>{f.id}</code>
              </td>
              <td>{f.steps.join(', ')}</td>
              <td>
                {progress.completed} of {progress.total}
              </td>
              <td>{f.user_id ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}
