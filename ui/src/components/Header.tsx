import type { AppInfo } from '../bindings/AppInfo';

export function Header({ info }: { info: AppInfo | null }) {
  return (
    <header className="app-header">
      <h1>Flow Desk</h1>
      {info ? (
        <>
          <span
            className={info.local_sandbox ? 'env-badge env-badge--sandbox' : 'env-badge env-badge--live'}
            data-testid="env-badge"
            title={`Requests go to ${info.base_url}`}
          >
            {info.environment}
          </span>
          <span className="app-version">v{info.version}</span>
        </>
      ) : (
        <span className="env-badge env-badge--unknown" data-testid="env-badge">
          Connecting…
        </span>
      )}
    </header>
  );
}
