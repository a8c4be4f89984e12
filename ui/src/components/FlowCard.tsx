import { useState } from 'react';
import type { ErrorKind } from '../bindings/ErrorKind';
import type { FlowView } from '../bindings/FlowView';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import type { StopReason } from '../bindings/StopReason';
import { ipc, toAppError, type AppError } from '../ipc';
import { ErrorNote } from './ErrorNote';
import { LinkAnchor, emailLink, useLinkQr, useWatchEvents } from './linkHandoff';
import { useNotify } from '../desk/notify';
import { CheckIcon, CircleIcon } from './icons';

type Props = {
  initial: FlowView;
  catalog: ReadonlyMap<StepName, StepInfo>;
  /** The name of the environment the flow was created in (as it was called then). */
  environmentName: string;
  /** Copies the link (clipboard plugin) and says so in a toast. */
  onCopy: (link: string) => void;
  /** Opens the user who claimed the flow in the Users view. */
  onOpenUser?: (userId: string) => void;
};

type Failure = { kind: ErrorKind; message: string; retryInMs: number };
type Stopped = { reason: StopReason; kind: ErrorKind | null; message: string };

function timeOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

function referenceOf(view: FlowView): string | undefined {
  const meta = view.flow.metadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const r = (meta as Record<string, unknown>).reference;
    if (typeof r === 'string' && r !== '') return r;
  }
  return undefined;
}

/** The created flow: its link for the user, and its progress as the Rust scheduler sees it. */
export function FlowCard({ initial, catalog, environmentName, onCopy, onOpenUser }: Props) {
  const notify = useNotify();
  const [view, setView] = useState(initial);
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [lastChecked, setLastChecked] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [stopped, setStopped] = useState<Stopped | null>(null);
  const { flow, progress } = view;
  const id = flow.id;
  const done = progress.done;
  // The environment the flow was created in: it is watched there, whatever is active now.
  const environmentId = initial.environment_id;

  // Listen first, then ask the scheduler to watch (it polls at once): no event is missed.
  useWatchEvents({
    id,
    environmentId,
    wanted: !initial.progress.done,
    listen: ipc.onWatch,
    start: () => ipc.watchFlow(id, environmentId),
    onError: (e) => setError({ context: 'Watch', error: e }),
    onEvent: (ev) => {
      setLastChecked(ev.checked_at);
      switch (ev.type) {
        case 'updated':
        case 'done':
          setView((v) => ({ ...v, flow: ev.flow, progress: ev.progress }));
          setFailure(null);
          setStopped(null);
          break;
        case 'failed':
          setFailure({ kind: ev.kind, message: ev.message, retryInMs: ev.retry_in_ms });
          break;
        case 'stopped':
          setStopped({ reason: ev.reason, kind: ev.kind ?? null, message: ev.message });
          break;
      }
    },
  });

  const { qr, qrError } = useLinkQr(flow.link);

  const refresh = () => {
    setError(null);
    const again = stopped !== null ? ipc.watchFlow(id, environmentId) : ipc.refreshFlow(id);
    if (stopped !== null) setStopped(null);
    again.catch((e: unknown) => setError({ context: 'Refresh', error: toAppError(e) }));
  };

  const email = () => {
    setError(null);
    const reference = referenceOf(view);
    emailLink({ link: flow.link, steps: flow.steps, ...(reference ? { reference } : {}) }).then(
      () => notify('Email opened in your mail app'),
      (e: unknown) => setError({ context: 'Email', error: toAppError(e) }),
    );
  };

  let status: string;
  if (done) status = 'Done';
  else if (stopped) status = stopped.reason === 'unwatched' ? 'No longer watched' : 'Watching stopped';
  else if (failure) status = 'Check failed';
  else status = 'Watching';

  return (
    <section className="flow-card" data-testid="flow-card" aria-labelledby="flow-card-title">
      <div className="flow-card-head">
        <h2 id="flow-card-title">Flow created</h2>
        <span className={done ? 'pill pill--ok' : 'pill'} data-testid="flow-status">
          {status}
        </span>
      </div>
      <div className="flow-card-body">
        <div className="flow-card-main">
          <LinkAnchor link={flow.link} testId="flow-link" onError={(e) => setError({ context: 'Open link', error: e })} />
          <div className="flow-actions">
            <button type="button" className="small" onClick={() => onCopy(flow.link)} data-testid="copy-link" title="Ctrl/Cmd+Shift+C">
              Copy link
            </button>
            <button type="button" className="small" onClick={email} data-testid="email-link">
              Email to user
            </button>
            <button type="button" className="small" onClick={refresh} data-testid="refresh-flow" disabled={done}>
              {stopped ? 'Watch again' : 'Refresh now'}
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
        </div>
        <div className="flow-qr">
          {qr ? (
            <img src={qr} alt="QR code of the link" width={132} height={132} data-testid="qr" />
          ) : qrError ? (
            <span className="hint" data-testid="qr-error">
              No QR code ({qrError.kind}): {qrError.message}
            </span>
          ) : (
            <span className="hint">Drawing the QR code…</span>
          )}
        </div>
      </div>
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
              <span className="tick">
                {stepDone ? <CheckIcon /> : <CircleIcon />}
                <span className="visually-hidden">{stepDone ? 'done: ' : 'not done yet: '}</span>
              </span>
              {catalog.get(name as StepName)?.title ?? name}
            </li>
          );
        })}
      </ol>
      {progress.claimed ? (
        <p className="flow-claimed-row">
          <span data-testid="flow-claimed">Claimed by user {flow.user_id}</span>
          {onOpenUser && flow.user_id ? (
            <>
              {' '}
              <button type="button" className="small" onClick={() => onOpenUser(flow.user_id!)} data-testid="flow-open-user">
                Open user
              </button>
            </>
          ) : null}
        </p>
      ) : null}
      {done ? (
        <p className="flow-done" data-testid="flow-done">
          Done
        </p>
      ) : stopped ? (
        <p className="error-note" role="alert" data-testid="flow-stopped">
          Stopped watching{stopped.kind ? ` (${stopped.kind})` : ''}: {stopped.message}.{' '}
          {stopped.reason === 'error' ? 'Fix the cause, then press “Watch again”.' : 'Press “Watch again” to follow it.'}
        </p>
      ) : failure ? (
        <p className="error-note" role="alert" data-testid="flow-failed">
          <span className="error-kind">{failure.kind}</span> {failure.message} — retrying in{' '}
          {Math.max(1, Math.round(failure.retryInMs / 1000))} s
        </p>
      ) : (
        <p className="hint">Watching for progress (the app checks Dots for you)…</p>
      )}
      <p className="hint" data-testid="flow-last-checked">
        {lastChecked ? `last checked ${timeOf(lastChecked)}` : 'Not checked yet: the first check is on its way.'}
      </p>
      {error ? <ErrorNote error={error.error} context={error.context} /> : null}
    </section>
  );
}
