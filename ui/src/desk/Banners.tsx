// What the whole window must say above any screen: production, a missing keychain,
// a one-time notice from the core, and errors reading the app's own state.
import type { AppError } from '../ipc';
import { ErrorNote } from '../components/ErrorNote';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { Environments } from './useEnvironments';

export function Banners({ envs, loadError }: { envs: Environments; loadError: AppError | null }) {
  const { notice, envError } = envs;
  const keychain = envs.envs?.keychain;
  return (
    <>
      {keychain && !keychain.available ? (
        <p className="banner banner--warn" role="alert" data-testid="keychain-warning">
          <strong>The OS keychain is not available:</strong> {keychain.message ?? 'API keys cannot be saved or read.'} The
          Local sandbox still works without a key.
        </p>
      ) : null}
      {notice ? (
        <p className="banner banner--note" role="status" data-testid="settings-notice">
          <span>{notice}</span>
          <button type="button" className="small" onClick={envs.dismissNotice} data-testid="dismiss-notice">
            Dismiss
          </button>
        </p>
      ) : null}
      {loadError ? <ErrorNote error={loadError} context="Starting" /> : null}
      {envError ? <ErrorNote error={envError.error} context={envError.context} /> : null}
    </>
  );
}

/** Above everything, in Production: where flows go. */
export function ProdBanner({ env }: { env: EnvironmentView | null }) {
  if (!env?.is_production) return null;
  return (
    <div className="prod-banner" role="status" data-testid="prod-banner">
      <strong>PRODUCTION</strong> — flows you create here reach real people
      <span className="prod-banner-where">
        {env.name}
        {env.host ? ` · ${env.host}` : ''}
      </span>
    </div>
  );
}
