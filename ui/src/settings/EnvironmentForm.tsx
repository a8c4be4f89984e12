// An environment's name, base URL and App ID, and its production mark.
import { useEffect, useState, type FormEvent } from 'react';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { ipc } from '../ipc';
import type { Run } from './useRun';

type Props = {
  env: EnvironmentView;
  run: Run;
  onView: (view: EnvironmentsView) => void;
  /** The host changed: the core removed the key (it was bound to the old host). */
  onKeyUnbound: () => void;
};

export function EnvironmentForm({ env, run: r, onView, onKeyUnbound }: Props) {
  const [name, setName] = useState(env.name);
  const [baseUrl, setBaseUrl] = useState(env.base_url ?? '');
  const [appId, setAppId] = useState(env.app_id ?? '');
  // The mark's box moves at once; the backend's answer then has the last word.
  const [mark, setMark] = useState(env.production_mark);
  useEffect(() => setMark(env.production_mark), [env.production_mark]);

  const save = (e: FormEvent) => {
    e.preventDefault();
    const change = {
      name: name.trim() !== env.name ? name : null,
      base_url: !env.local && baseUrl.trim() !== (env.base_url ?? '') ? baseUrl : null,
      app_id: appId.trim() !== (env.app_id ?? '') ? appId.trim() : null,
      production: null,
    };
    r.run('environment', 'Save environment', () => ipc.updateEnvironment(env.id, change), (update) => {
      onView(update.view);
      if (update.key_unbound) onKeyUnbound();
      r.setSaved('Saved.');
      const next = update.view.environments.find((x) => x.environment.id === env.id)?.environment;
      if (next) {
        setName(next.name);
        setBaseUrl(next.base_url ?? '');
        setAppId(next.app_id ?? '');
      }
    });
  };

  const toggleProduction = (production: boolean) => {
    setMark(production);
    r.run(
      'mark',
      'Production mark',
      () => ipc.updateEnvironment(env.id, { name: null, base_url: null, app_id: null, production }),
      (update) => {
        onView(update.view);
        if (update.key_unbound) onKeyUnbound();
      },
      () => setMark(env.production_mark),
    );
  };

  const changed =
    name.trim() !== env.name || (!env.local && baseUrl.trim() !== (env.base_url ?? '')) || appId.trim() !== (env.app_id ?? '');

  return (
    <>
      <form className="env-form form" noValidate onSubmit={save} data-testid="env-form">
        <label className="field">
          <span>Name</span>
          <input type="text" value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} data-testid="env-name-input" />
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
          <button type="submit" className="small" disabled={!changed || r.busy !== null} data-testid="save-environment">
            {r.busy === 'environment' ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
      <label className="field field--check">
        <input
          type="checkbox"
          checked={mark}
          disabled={r.busy !== null}
          onChange={(e) => toggleProduction(e.target.checked)}
          data-testid="env-production-mark"
        />
        <span>Mark as production (a red banner, and every create asks first)</span>
      </label>
    </>
  );
}
