import { useEffect, useState, type MouseEvent } from 'react';
import type { FlowView } from '../bindings/FlowView';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import { ipc, toAppError, type AppError } from '../ipc';
import { ErrorNote } from './ErrorNote';

export const REFRESH_MS = 2000;

type Props = {
  initial: FlowView;
  catalog: ReadonlyMap<StepName, StepInfo>;
  /** The name of the environment the flow was created in (as it was called then). */
  environmentName: string;
};

/** The created flow: its link for the user, and its progress, refreshed until done. */
export function FlowCard({ initial, catalog, environmentName }: Props) {
  const [view, setView] = useState(initial);
  const [error, setError] = useState<AppError | null>(null);
  const [copied, setCopied] = useState(false);
  const { flow, progress } = view;
  const id = flow.id;
  const done = progress.done;
  // The environment the flow was created in: it is read there, whatever is active now.
  const environmentId = initial.environment_id;

  // One interval for this card, while the flow is not done. (Polling moves into Rust later.)
  useEffect(() => {
    if (done) return;
    let alive = true;
    let inFlight = false;
    const timer = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      ipc
        .getFlow(id, environmentId)
        .then(
          (next) => {
            if (!alive) return;
            setView(next);
            setError(null);
          },
          (e: unknown) => {
            if (alive) setError(toAppError(e));
          },
        )
        .finally(() => {
          inFlight = false;
        });
    }, REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [id, environmentId, done]);

  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    // Never navigate the app window: the system browser opens the link.
    e.preventDefault();
    ipc.openLink(flow.link).catch((err: unknown) => setError(toAppError(err)));
  };

  const copy = () => {
    navigator.clipboard?.writeText(flow.link).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };

  return (
    <section className="flow-card" data-testid="flow-card" aria-labelledby="flow-card-title">
      <h2 id="flow-card-title">Flow created</h2>
      <div className="flow-link-row">
        <a href={flow.link} onClick={open} onAuxClick={open} data-testid="flow-link" rel="noreferrer">
          {flow.link}
        </a>
        <button type="button" className="small" onClick={copy}>
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>
      <dl className="flow-facts">
        <dt>Flow id</dt>
        <dd>
          <code data-testid="flow-id">{flow.id}</code>
        </dd>
        <dt>Created in</dt>
        <dd data-testid="flow-env" data-env-id={environmentId}>
          {environmentName}
        </dd>
        <dt>Progress</dt>
        <dd data-testid="flow-progress">
          {progress.completed} of {progress.total} {progress.total === 1 ? 'step' : 'steps'}
        </dd>
      </dl>
      <progress max={Math.max(progress.total, 1)} value={progress.completed} aria-label="Steps completed" />
      <ol className="flow-steps">
        {flow.steps.map((name) => {
          const stepDone = flow.completed_steps.includes(name);
          return (
            <li
              key={name}
              className={stepDone ? 'flow-step flow-step--done' : 'flow-step'}
              data-testid={`flow-step-${name}`}
              data-done={stepDone ? 'true' : 'false'}
            >
              <span className="tick" aria-label={stepDone ? 'done' : 'not done yet'}>
                {stepDone ? '✓' : '○'}
              </span>
              {catalog.get(name as StepName)?.title ?? name}
            </li>
          );
        })}
      </ol>
      {progress.claimed ? <p data-testid="flow-claimed">Claimed by user {flow.user_id}</p> : null}
      {done ? (
        <p className="flow-done" data-testid="flow-done">
          Done
        </p>
      ) : (
        <p className="hint">Watching for progress every {REFRESH_MS / 1000} s…</p>
      )}
      {error ? <ErrorNote error={error} context="Refresh" /> : null}
    </section>
  );
}
