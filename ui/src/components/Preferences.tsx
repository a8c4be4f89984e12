// The desk's own preferences: the email template "Email to user" and the bulk mail merge
// start from, and how often open flows are checked.
import { useEffect, useState } from 'react';
import type { Preferences as Prefs } from '../bindings/Preferences';
import { ipc, toAppError, type AppError } from '../ipc';
import { ErrorNote } from './ErrorNote';

export function Preferences() {
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [poll, setPoll] = useState('5');
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    ipc
      .preferences()
      .then((p) => {
        setPrefs(p);
        setSubject(p.email_template.subject);
        setBody(p.email_template.body);
        setPoll(String(p.poll_interval_secs));
      })
      .catch((e) => setError(toAppError(e)));
  }, []);

  const run = async (what: string, action: () => Promise<unknown>) => {
    setError(null);
    setSaved(null);
    try {
      await action();
      setSaved(what);
    } catch (e) {
      setError(toAppError(e));
    }
  };

  if (!prefs && !error) return <p className="hint">Loading preferences…</p>;
  return (
    <section className="preferences" data-testid="preferences">
      <h3>Email to user</h3>
      <p className="hint">Placeholders: {'{link}'}, {'{steps}'}, {'{reference}'}.</p>
      <label className="field">
        <span>Subject</span>
        <input type="text" value={subject} onChange={(e) => setSubject(e.target.value)} data-testid="prefs-subject" />
      </label>
      <label className="field">
        <span>Body</span>
        <textarea rows={5} value={body} onChange={(e) => setBody(e.target.value)} data-testid="prefs-body" />
      </label>
      <button
        type="button"
        className="small"
        onClick={() => run('Email template saved', async () => setPrefs(await ipc.setEmailTemplate({ subject, body })))}
        data-testid="prefs-save-email"
      >
        Save template
      </button>
      <h3>Checking open flows</h3>
      <label className="field">
        <span>Every (seconds)</span>
        <input
          type="number"
          min={1}
          max={3600}
          value={poll}
          onChange={(e) => setPoll(e.target.value)}
          data-testid="prefs-poll"
        />
      </label>
      <button
        type="button"
        className="small"
        onClick={() => run('Interval saved', () => ipc.setPollInterval(Number(poll)))}
        data-testid="prefs-save-poll"
      >
        Save interval
      </button>
      <h3>Extra CA certificate</h3>
      <p className="hint" data-testid="prefs-ca">
        {prefs?.extra_ca_path ?? 'None: only the system’s certificates are trusted.'}
      </p>
      <button
        type="button"
        className="small"
        data-testid="prefs-pick-ca"
        onClick={() =>
          run('CA certificate saved', async () => {
            const view = await ipc.pickExtraCa();
            if (view) setPrefs(await ipc.preferences());
          })
        }
      >
        Choose a PEM file…
      </button>
      {prefs?.extra_ca_path ? (
        <button
          type="button"
          className="small"
          data-testid="prefs-clear-ca"
          onClick={() =>
            run('CA certificate removed', async () => {
              await ipc.clearExtraCa();
              setPrefs(await ipc.preferences());
            })
          }
        >
          Remove
        </button>
      ) : null}
      {saved ? (
        <p className="hint" role="status" data-testid="prefs-saved">
          {saved}
        </p>
      ) : null}
      {error ? <ErrorNote error={error} context="Preferences" /> : null}
    </section>
  );
}
