import type { AppInfo } from '../bindings/AppInfo';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { EnvSwitch } from './EnvSwitch';
import { whereTo } from './where';

export { whereTo };

type Props = {
  info: AppInfo | null;
  envs: EnvironmentsView | null;
  switching: boolean;
  onSwitch: (id: string) => void;
  onOpenSettings: () => void;
};

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
      {envs ? <EnvSwitch info={info} envs={envs} switching={switching} onSwitch={onSwitch} /> : null}
      <span className="header-end">
        {info ? <span className="app-version">v{info.version}</span> : null}
        <button type="button" className="small" onClick={onOpenSettings} data-testid="open-settings">
          Settings
        </button>
      </span>
    </header>
  );
}
