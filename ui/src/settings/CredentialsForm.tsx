// An environment's API key: kept only in the OS keychain, typed here, never shown again.
// The Local sandbox needs none (it can be emptied instead).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { EnvironmentEntry } from '../bindings/EnvironmentEntry';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import { ErrorNote } from '../components/ErrorNote';
import { ipc } from '../ipc';
import type { Run } from './useRun';

type Props = {
  entry: EnvironmentEntry;
  keychainAvailable: boolean;
  /** The core removed the key (host changed): the client id goes with it. */
  unbound: boolean;
  run: Run;
  onView: (view: EnvironmentsView) => void;
  onSaved: () => void;
};

export function CredentialsForm({ entry, keychainAvailable, unbound, run: r, onView, onSaved }: Props) {
  const env = entry.environment;
  const credential = entry.credential;
  const [clientId, setClientId] = useState(credential?.client_id ?? env.client_id ?? '');
  useEffect(() => {
    if (unbound) setClientId('');
  }, [unbound]);
  // The key field is uncontrolled: its value lives only in the input (never in React
  // state, never in a `value` attribute) and is cleared after every save.
  const keyRef = useRef<HTMLInputElement>(null);
  const [keyTyped, setKeyTyped] = useState(false);

  const save = (e: FormEvent) => {
    e.preventDefault();
    const key = keyRef.current?.value ?? '';
    if (keyRef.current) keyRef.current.value = '';
    setKeyTyped(false);
    r.run('credentials', 'Save key', () => ipc.saveCredentials(env.id, clientId.trim(), key), (view) => {
      onView(view);
      onSaved();
      r.setSaved('Key saved in the OS keychain.');
    });
  };

  return (
    <>
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
            disabled={r.busy !== null}
            data-testid="reset-local-sandbox"
            onClick={() =>
              r.run('reset', 'Reset the local sandbox', () => ipc.resetLocalSandbox(), () =>
                r.setSaved('The local sandbox is empty.'),
              )
            }
          >
            {r.busy === 'reset' ? 'Resetting…' : 'Reset the local sandbox…'}
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
          <form className="env-form form" noValidate onSubmit={save} data-testid="credentials-form">
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
                disabled={r.busy !== null || !keyTyped || clientId.trim() === ''}
                data-testid="save-credentials"
              >
                {r.busy === 'credentials' ? 'Saving…' : 'Save'}
              </button>
              <button
                type="button"
                className="small"
                disabled={r.busy !== null || !credential?.configured}
                onClick={() =>
                  r.run('delete', 'Delete key', () => ipc.deleteCredentials(env.id), (view) => {
                    onView(view);
                    r.setSaved('Key deleted.');
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
    </>
  );
}
