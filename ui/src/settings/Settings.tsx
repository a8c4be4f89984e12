import { useEffect, useRef, useState } from 'react';
import type { AppInfo } from '../bindings/AppInfo';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import { Preferences } from '../components/Preferences';
import { AddEnvironment } from './AddEnvironment';
import { EnvironmentDetails } from './EnvironmentDetails';

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
