// Adding an environment of one's own: a name and a base URL (the core checks both).
import { useState, type FormEvent } from 'react';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import { ErrorNote } from '../components/ErrorNote';
import { ipc, toAppError, type AppError } from '../ipc';

export function AddEnvironment({ onAdded }: { onAdded: (view: EnvironmentsView) => void }) {
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
    <form className="env-form add-env form" noValidate onSubmit={submit} aria-labelledby="add-env-title" data-testid="add-env-form">
      <h3 id="add-env-title">Add an environment</h3>
      <label className="field">
        <span>Name</span>
        <input
          type="text"
          value={name}
          placeholder="e.g. Staging"
          autoComplete="off"
          onChange={(e) => setName(e.target.value)}
          data-testid="new-env-name"
        />
      </label>
      <label className="field">
        <span>Base URL</span>
        <input
          type="url"
          value={baseUrl}
          placeholder="https://…/api"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setBaseUrl(e.target.value)}
          data-testid="new-env-url"
        />
      </label>
      <label className="field">
        <span>App ID (optional)</span>
        <input
          type="text"
          value={appId}
          placeholder="Optional"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setAppId(e.target.value)}
          data-testid="new-env-app-id"
        />
      </label>
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
