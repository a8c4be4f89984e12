import { useEffect, useState, type FormEvent } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { ErrorNote } from '../components/ErrorNote';
import { TextField } from '../components/TextField';
import { toAppError, type AppError } from '../ipc';
import { formatLimit } from './cents';
import { useAmount, type Amount } from './useAmount';
import { moneyIpc } from './moneyIpc';
import { useQuery } from '../desk/useQuery';

/** Cents as the dollars the form shows ("" = no limit), with integer math. */
function dollarsText(cents: number | null): string {
  if (cents === null) return '';
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Empty = no limit; otherwise the core's reading of the dollars typed. */
function limitOf(text: string, read: Amount, label: string): { cents: number | null; error: string | null; pending: boolean } {
  if (text.trim() === '') return { cents: null, error: null, pending: false };
  if (read.error) return { cents: null, error: `${label}: ${read.error}`, pending: false };
  return { cents: read.cents, error: null, pending: read.pending };
}

/** The active environment's money limits: per action and per day, in dollars. */
export function LimitsEditor({ env }: { env: EnvironmentView }) {
  const [perAction, setPerAction] = useState('');
  const [perDay, setPerDay] = useState('');
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [saved, setSaved] = useState(false);
  const read = useQuery(() => moneyIpc.limitsGet(env.id), [env.id]);
  const limits = read.loading ? null : read.data;
  const setLimits = read.setData;
  // The fields start from what the core has, each time it is read.
  useEffect(() => {
    if (!read.data) return;
    setPerAction(dollarsText(read.data.per_action_cents));
    setPerDay(dollarsText(read.data.per_day_cents));
  }, [read.data]);
  const shownError = error ?? (read.error ? { context: 'Limits', error: read.error } : null);

  const action = limitOf(perAction, useAmount(perAction), 'Per action');
  const day = limitOf(perDay, useAmount(perDay), 'Per day');
  const problem = action.error ?? day.error;

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (problem || action.pending || day.pending) return;
    setError(null);
    setSaved(false);
    moneyIpc.limitsSet(env.id, { per_action_cents: action.cents, per_day_cents: day.cents }).then(
      (l) => {
        setLimits(l);
        setSaved(true);
      },
      (err: unknown) => setError({ context: 'Save limits', error: toAppError(err) }),
    );
  };

  return (
    <form className="money-panel money-form" onSubmit={save} aria-labelledby="limits-title" data-testid="limits">
      <h2 id="limits-title">Limits — {env.name}</h2>
      <p className="hint" data-testid="limits-current">
        {limits
          ? `Now: ${formatLimit(limits.per_action_cents)} per action, ${formatLimit(limits.per_day_cents)} per day.`
          : 'Reading the limits…'}{' '}
        Leave a field empty for no limit.
      </p>
      <TextField label="Per action ($)" inputMode="decimal" value={perAction} onChange={setPerAction} testId="limits-per-action" />
      <TextField label="Per day ($)" inputMode="decimal" value={perDay} onChange={setPerDay} testId="limits-per-day" />
      {problem ? (
        <p className="violation" role="alert" data-testid="limits-problem">
          {problem}
        </p>
      ) : null}
      <div className="form-buttons">
        <button type="submit" className="primary" disabled={problem !== null || limits === null || action.pending || day.pending} data-testid="limits-save">
          Save limits
        </button>
        {saved ? (
          <span className="note note--ok" data-testid="limits-saved">
            Saved
          </span>
        ) : null}
      </div>
      {shownError ? <ErrorNote error={shownError.error} context={shownError.context} /> : null}
    </form>
  );
}
