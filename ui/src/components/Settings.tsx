import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AppInfo } from '../bindings/AppInfo';
import type { ConnectionReport } from '../bindings/ConnectionReport';
import type { EnvironmentEntry } from '../bindings/EnvironmentEntry';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import { ipc, toAppError, type AppError } from '../ipc';
import { ErrorNote } from './ErrorNote';
import { Preferences } from './Preferences';
import { whereTo } from './Header';

type Props = {
  envs: EnvironmentsView;
  info: AppInfo | null;
  onView: (view: EnvironmentsView) => void;
  onClose: () => void;
};

/** The settings drawer: environments, their credentials, and adding your own. */
export function Settings({ envs, info, onView, onClose }: Props) {
  const [selected, setSelected] = useState(envs.active);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus();
  }, []);

  // Escape closes, wherever the focus is (a button that just went disabled drops it).
  const closeLatest = useRef(onClose);
  closeLatest.current = onClose;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        closeLatest.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const entry =
    envs.environments.find((e) => e.environment.id === selected) ??
    envs.environments.find((e) => e.environment.id === envs.active) ??
    envs.environments[0];

  return (
    <div
      className="drawer-backdrop"
      data-testid="settings-backdrop"
      onMouseDown={(e) => {
        // A click beside the drawer closes it (not a drag that ends there).
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <aside
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby="settings-title"
        data-testid="settings"
      >
        <div className="drawer-head">
          <h2 id="settings-title">Settings</h2>
          <button ref={closeRef} type="button" className="small" onClick={onClose} data-testid="close-settings">
            Close
          </button>
        </div>
        <div className="settings-body">
          <nav className="env-list" aria-label="Environments">
            <h3>Environments</h3>
            <ul>
              {envs.environments.map(({ environment: env, credential }) => {
                const on = env.id === entry?.environment.id;
                return (
                  <li key={env.id}>
                    <button
                      type="button"
                      className={on ? 'env-list-item env-list-item--on' : 'env-list-item'}
                      aria-current={on ? 'true' : undefined}
                      onClick={() => setSelected(env.id)}
                      data-testid={`settings-env-${env.id}`}
                    >
                      <span className="env-list-name">
                        {env.name}
                        {env.is_production ? <span className="tag tag--prod">Production</span> : null}
                        {env.id === envs.active ? <span className="tag">Active</span> : null}
                      </span>
                      <span className="env-list-sub">
                        {env.local ? 'No key needed' : credential?.configured ? 'Key saved' : 'No key'}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
            <AddEnvironment
              onAdded={(view) => {
                const known = new Set(envs.environments.map((e) => e.environment.id));
                const added = view.environments.find((e) => !known.has(e.environment.id));
                onView(view);
                if (added) setSelected(added.environment.id);
              }}
            />
          </nav>
          {entry ? (
            <EnvironmentDetails
              key={entry.environment.id}
              entry={entry}
              info={info}
              active={entry.environment.id === envs.active}
              keychainAvailable={envs.keychain.available}
              onView={onView}
            />
          ) : null}
        </div>
        <Preferences />
      </aside>
    </div>
  );
}

type DetailsProps = {
  entry: EnvironmentEntry;
  info: AppInfo | null;
  active: boolean;
  keychainAvailable: boolean;
  onView: (view: EnvironmentsView) => void;
};

function EnvironmentDetails({ entry, info, active, keychainAvailable, onView }: DetailsProps) {
  const env = entry.environment;
  const credential = entry.credential;
  const [name, setName] = useState(env.name);
  const [baseUrl, setBaseUrl] = useState(env.base_url ?? '');
  const [appId, setAppId] = useState(env.app_id ?? '');
  const [clientId, setClientId] = useState(credential?.client_id ?? env.client_id ?? '');
  // The key field is uncontrolled: its value lives only in the input (never in React
  // state, never in a `value` attribute) and is cleared after every save.
  const keyRef = useRef<HTMLInputElement>(null);
  const [keyTyped, setKeyTyped] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [keyUnbound, setKeyUnbound] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  // The mark's box moves at once; the backend's answer then has the last word.
  const [mark, setMark] = useState(env.production_mark);
  useEffect(() => setMark(env.production_mark), [env.production_mark]);

  const run = <T,>(
    label: string,
    context: string,
    action: () => Promise<T>,
    then: (value: T) => void,
    failed?: () => void,
  ) => {
    setBusy(label);
    setError(null);
    setSaved(null);
    action()
      .then(then, (e: unknown) => {
        setError({ context, error: toAppError(e) });
        failed?.();
      })
      .finally(() => setBusy(null));
  };

  const clearKey = () => {
    if (keyRef.current) keyRef.current.value = '';
    setKeyTyped(false);
  };

  const saveEnvironment = (e: FormEvent) => {
    e.preventDefault();
    const change = {
      name: name.trim() !== env.name ? name : null,
      base_url: !env.local && baseUrl.trim() !== (env.base_url ?? '') ? baseUrl : null,
      app_id: appId.trim() !== (env.app_id ?? '') ? appId.trim() : null,
      production: null,
    };
    run('environment', 'Save environment', () => ipc.updateEnvironment(env.id, change), (update) => {
      onView(update.view);
      setKeyUnbound(update.key_unbound);
      setSaved('Saved.');
      const next = update.view.environments.find((x) => x.environment.id === env.id)?.environment;
      if (next) {
        setName(next.name);
        setBaseUrl(next.base_url ?? '');
        setAppId(next.app_id ?? '');
        if (update.key_unbound) setClientId('');
      }
    });
  };

  const toggleProduction = (production: boolean) => {
    setMark(production);
    run(
      'mark',
      'Production mark',
      () => ipc.updateEnvironment(env.id, { name: null, base_url: null, app_id: null, production }),
      (update) => {
        onView(update.view);
        if (update.key_unbound) setKeyUnbound(true);
      },
      () => setMark(env.production_mark),
    );
  };

  const saveCredentials = (e: FormEvent) => {
    e.preventDefault();
    const key = keyRef.current?.value ?? '';
    clearKey();
    run('credentials', 'Save key', () => ipc.saveCredentials(env.id, clientId.trim(), key), (view) => {
      onView(view);
      setKeyUnbound(false);
      setSaved('Key saved in the OS keychain.');
    });
  };

  const changed =
    name.trim() !== env.name ||
    (!env.local && baseUrl.trim() !== (env.base_url ?? '')) ||
    appId.trim() !== (env.app_id ?? '');

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

      <form className="env-form" noValidate onSubmit={saveEnvironment} data-testid="env-form">
        <label className="field">
          <span>Name</span>
          <input
            type="text"
            value={name}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            data-testid="env-name-input"
          />
        </label>
        {env.local ? null : (
          <label className="field">
            <span>Base URL</span>
            <input
              type="url"
              value={baseUrl}
              autoComplete="off"
              spellCheck={false}
              placeholder="https://…/api"
              onChange={(e) => setBaseUrl(e.target.value)}
              data-testid="env-url-input"
            />
          </label>
        )}
        <label className="field">
          <span>App ID</span>
          <input
            type="text"
            value={appId}
            autoComplete="off"
            spellCheck={false}
            placeholder="Only for Organization keys (Api-App-Id)"
            onChange={(e) => setAppId(e.target.value)}
            data-testid="env-app-id-input"
          />
        </label>
        <div className="form-buttons">
          <button type="submit" className="small" disabled={!changed || busy !== null} data-testid="save-environment">
            {busy === 'environment' ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
      <label className="field field--check">
        <input
          type="checkbox"
          checked={mark}
          disabled={busy !== null}
          onChange={(e) => toggleProduction(e.target.checked)}
          data-testid="env-production-mark"
        />
        <span>Mark as production (a red banner, and every create asks first)</span>
      </label>
      {keyUnbound ? (
        <p className="note note--warn" role="status" data-testid="key-unbound">
          The key was removed: re-enter it for the new host.
        </p>
      ) : null}

      <h3>API key</h3>
      {env.local ? (
        <>
          <p className="hint" data-testid="no-key-needed">
            The Local sandbox needs no key: it runs on this computer, keeps its flows, users and wallets between
            runs, and never reaches Dots.
          </p>
          <button
            type="button"
            className="small small--danger"
            disabled={busy !== null}
            data-testid="reset-local-sandbox"
            onClick={() =>
              run('reset', 'Reset the local sandbox', () => ipc.resetLocalSandbox(), () =>
                setSaved('The local sandbox is empty.'),
              )
            }
          >
            {busy === 'reset' ? 'Resetting…' : 'Reset the local sandbox…'}
          </button>
        </>
      ) : (
        <>
          <p
            className={credential?.configured ? 'credential credential--ok' : 'credential'}
            data-testid="credential-status"
          >
            {credential?.configured
              ? `Configured — client ${credential.client_id ?? '?'}, key …${credential.key_last4 ?? '????'}`
              : 'No key'}
          </p>
          {entry.credential_error ? <ErrorNote error={entry.credential_error} context="Keychain" /> : null}
          <form className="env-form" noValidate onSubmit={saveCredentials} data-testid="credentials-form">
            <label className="field">
              <span>Client ID</span>
              <input
                type="text"
                value={clientId}
                autoComplete="off"
                spellCheck={false}
                placeholder="cid_…"
                onChange={(e) => setClientId(e.target.value)}
                data-testid="client-id-input"
              />
            </label>
            <label className="field">
              <span>API key</span>
              <input
                ref={keyRef}
                type="password"
                name="api-key"
                autoComplete="off"
                spellCheck={false}
                placeholder={credential?.configured ? 'Saved — type a new key to replace it' : 'Paste the API key'}
                onInput={(e) => setKeyTyped(e.currentTarget.value !== '')}
                data-testid="api-key-input"
              />
            </label>
            <p className="hint">
              Kept only in the OS keychain{keychainAvailable ? '' : ' (not available right now)'}, for{' '}
              {env.host ?? 'this host'}. Flow Desk never shows it again.
            </p>
            <div className="form-buttons">
              <button
                type="submit"
                className="small"
                disabled={busy !== null || !keyTyped || clientId.trim() === ''}
                data-testid="save-credentials"
              >
                {busy === 'credentials' ? 'Saving…' : 'Save'}
              </button>
              <button
                type="button"
                className="small"
                disabled={busy !== null || !credential?.configured}
                onClick={() =>
                  run('delete', 'Delete key', () => ipc.deleteCredentials(env.id), (view) => {
                    onView(view);
                    setSaved('Key deleted.');
                  })
                }
                data-testid="delete-credentials"
              >
                Delete key
              </button>
            </div>
          </form>
        </>
      )}
      <div className="form-buttons">
        <button
          type="button"
          className="small"
          disabled={busy !== null}
          onClick={() => {
            setReport(null);
            run('test', 'Test connection', () => ipc.testConnection(env.id), setReport);
          }}
          data-testid="test-connection"
        >
          {busy === 'test' ? 'Testing…' : 'Test connection'}
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
      {saved ? (
        <p className="note note--ok" role="status" data-testid="settings-saved">
          {saved}
        </p>
      ) : null}
      {error ? <ErrorNote error={error.error} context={error.context} /> : null}

      {env.builtin ? null : (
        <div className="form-buttons remove-row">
          {confirmRemove ? (
            <>
              <span>Remove {env.name} and its key?</span>
              <button
                type="button"
                className="small small--danger"
                disabled={busy !== null}
                onClick={() => run('remove', 'Remove', () => ipc.removeEnvironment(env.id), onView)}
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
              disabled={busy !== null}
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

function AddEnvironment({ onAdded }: { onAdded: (view: EnvironmentsView) => void }) {
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [appId, setAppId] = useState('');
  const [production, setProduction] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    ipc
      .addEnvironment({ name: name.trim(), base_url: baseUrl.trim(), app_id: appId.trim() || null, production })
      .then(
        (view) => {
          setName('');
          setBaseUrl('');
          setAppId('');
          setProduction(false);
          onAdded(view);
        },
        (err: unknown) => setError(toAppError(err)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <form className="env-form add-env" noValidate onSubmit={submit} aria-labelledby="add-env-title" data-testid="add-env-form">
      <h3 id="add-env-title">Add an environment</h3>
      <input
        type="text"
        value={name}
        placeholder="Name"
        aria-label="Name"
        autoComplete="off"
        onChange={(e) => setName(e.target.value)}
        data-testid="new-env-name"
      />
      <input
        type="url"
        value={baseUrl}
        placeholder="https://…/api"
        aria-label="Base URL"
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setBaseUrl(e.target.value)}
        data-testid="new-env-url"
      />
      <input
        type="text"
        value={appId}
        placeholder="App ID (optional)"
        aria-label="App ID"
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setAppId(e.target.value)}
        data-testid="new-env-app-id"
      />
      <label className="option">
        <input
          type="checkbox"
          checked={production}
          onChange={(e) => setProduction(e.target.checked)}
          data-testid="new-env-production"
        />
        <span>Production</span>
      </label>
      <button
        type="submit"
        className="small"
        disabled={busy || name.trim() === '' || baseUrl.trim() === ''}
        data-testid="add-environment"
      >
        {busy ? 'Adding…' : 'Add'}
      </button>
      {error ? <ErrorNote error={error} context="Add environment" /> : null}
    </form>
  );
}
