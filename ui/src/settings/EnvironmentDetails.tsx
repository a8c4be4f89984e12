// One environment in the settings drawer: where it points, its name and mark, its key,
// a connection test, and removing it (built-in ones stay).
import { useState } from 'react';
import type { AppInfo } from '../bindings/AppInfo';
import type { ConnectionReport } from '../bindings/ConnectionReport';
import type { EnvironmentEntry } from '../bindings/EnvironmentEntry';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import { ErrorNote } from '../components/ErrorNote';
import { whereTo } from '../components/where';
import { ipc } from '../ipc';
import { CredentialsForm } from './CredentialsForm';
import { EnvironmentForm } from './EnvironmentForm';
import { useRun } from './useRun';

type Props = {
  entry: EnvironmentEntry;
  info: AppInfo | null;
  active: boolean;
  keychainAvailable: boolean;
  onView: (view: EnvironmentsView) => void;
};

export function EnvironmentDetails({ entry, info, active, keychainAvailable, onView }: Props) {
  const env = entry.environment;
  const r = useRun();
  const [keyUnbound, setKeyUnbound] = useState(false);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);

  return (
    <section className="env-details" aria-labelledby="env-details-title" data-testid="env-details" data-env-id={env.id}>
      <h3 id="env-details-title" className="env-details-title">
        {env.name}
        {env.is_production ? <span className="tag tag--prod">Production</span> : null}
        {env.builtin ? <span className="tag">Built in</span> : null}
        {active ? <span className="tag">Active</span> : null}
      </h3>
      <dl className="env-facts">
        <dt>Base URL</dt>
        <dd data-testid="env-base-url">{env.base_url ?? whereTo(env, info)}</dd>
        <dt>Host</dt>
        <dd data-testid="env-host">{env.host ?? '—'}</dd>
        <dt>Production</dt>
        <dd data-testid="env-is-production">
          {env.is_production
            ? env.production_mark
              ? 'Yes (marked as production)'
              : `Yes (${env.host ?? 'its host'} is Dots' production API)`
            : 'No'}
        </dd>
      </dl>

      <EnvironmentForm env={env} run={r} onView={onView} onKeyUnbound={() => setKeyUnbound(true)} />
      {keyUnbound ? (
        <p className="note note--warn" role="status" data-testid="key-unbound">
          The key was removed: re-enter it for the new host.
        </p>
      ) : null}
      <CredentialsForm
        entry={entry}
        keychainAvailable={keychainAvailable}
        unbound={keyUnbound}
        run={r}
        onView={onView}
        onSaved={() => setKeyUnbound(false)}
      />
      <div className="form-buttons">
        <button
          type="button"
          className="small"
          disabled={r.busy !== null}
          onClick={() => {
            setReport(null);
           r.run('test', 'Test connection', () => ipc.testConnection(env.id), setReport);
          }}
          data-testid="test-connection"
        >
          {r.busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
      </div>
      {report ? (
        <p
          className={report.ok ? 'note note--ok' : 'note note--fail'}
          role="status"
          data-testid="connection-result"
          data-ok={report.ok ? 'true' : 'false'}
        >
          {report.kind ? <span className="error-kind">{report.kind}</span> : null}
          {report.kind ? ' ' : null}
          {report.sentence}
        </p>
      ) : null}
      {r.saved ? (
        <p className="note note--ok" role="status" data-testid="settings-saved">
          {r.saved}
        </p>
      ) : null}
      {r.error ? <ErrorNote error={r.error.error} context={r.error.context} /> : null}

      {env.builtin ? null : (
        <div className="form-buttons remove-row">
          {confirmRemove ? (
            <>
              <span>Remove {env.name} and its key?</span>
              <button
                type="button"
                className="small small--danger"
                disabled={r.busy !== null}
                onClick={() => r.run('remove', 'Remove', () => ipc.removeEnvironment(env.id), onView)}
                data-testid="confirm-remove"
              >
                Remove
              </button>
              <button type="button" className="small" onClick={() => setConfirmRemove(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button
              type="button"
              className="small small--danger"
              disabled={r.busy !== null}
              onClick={() => setConfirmRemove(true)}
              data-testid="remove-environment"
            >
              Remove environment
            </button>
          )}
        </div>
      )}
    </section>
  );
}
