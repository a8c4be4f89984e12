import type { AppError } from '../ipc';

/** An error as the backend reports it: its kind, then its message. */
export function ErrorNote({ error, context }: { error: AppError; context?: string }) {
  return (
    <p className="error-note" role="alert" data-testid="error">
      {context ? <span className="error-context">{context}: </span> : null}
      <span className="error-kind" data-testid="error-kind">
        {error.kind}
      </span>{' '}
      <span className="error-message" data-testid="error-message">
        {error.message}
      </span>
    </p>
  );
}
