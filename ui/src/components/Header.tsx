import type { AppInfo } from '../bindings/AppInfo';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import type { EnvironmentView } from '../bindings/EnvironmentView';

type Props = {
  info: AppInfo | null;
  envs: EnvironmentsView | null;
  switching: boolean;
  onSwitch: (id: string) => void;
  onOpenSettings: () => void;
};

/** Where requests go, in words: the base URL, or the sandbox inside the app. */
export function whereTo(env: EnvironmentView, info: AppInfo | null): string {
  if (env.base_url) return env.base_url;
  if (env.local && info?.local_sandbox) return info.base_url;
  return 'the Local sandbox inside Flow Desk';
}

function badgeClass(env: EnvironmentView): string {
  if (env.is_production) return 'env-badge env-badge--live';
  if (env.local) return 'env-badge env-badge--sandbox';
  return 'env-badge env-badge--test';
}

export function Header({ info, envs, switching, onSwitch, onOpenSettings }: Props) {
  const active = envs?.environments.find((e) => e.environment.id === envs.active)?.environment ?? null;
  return (
    <header className="app-header">
      <h1>Flow Desk</h1>
      {active ? (
        <span className={badgeClass(active)} data-testid="env-badge" title={`Requests go to ${whereTo(active, info)}`}>
          {active.name}
        </span>
      ) : (
        <span className="env-badge env-badge--unknown" data-testid="env-badge">
          Connecting…
        </span>
      )}
      {envs ? (
        <div className="env-switch" role="radiogroup" aria-label="Environment" data-testid="env-switch">
          {envs.environments.map(({ environment: env }) => {
            const on = env.id === envs.active;
            const classes = ['env-option'];
            if (on) classes.push('env-option--on');
            if (env.is_production) classes.push('env-option--prod');
            return (
              <button
                key={env.id}
                type="button"
                role="radio"
                aria-checked={on}
                className={classes.join(' ')}
                disabled={switching}
                title={`${env.is_production ? 'PRODUCTION: ' : ''}requests go to ${whereTo(env, info)}`}
                onClick={() => {
                  if (!on) onSwitch(env.id);
                }}
                data-testid={`env-option-${env.id}`}
                data-production={env.is_production ? 'true' : 'false'}
              >
                {env.name}
              </button>
            );
          })}
        </div>
      ) : null}
      <span className="header-end">
        {info ? <span className="app-version">v{info.version}</span> : null}
        <button type="button" className="small" onClick={onOpenSettings} data-testid="open-settings">
          Settings
        </button>
      </span>
    </header>
  );
}
