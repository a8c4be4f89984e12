// One action at a time in an environment's details: which is running, and what it
// ended with (a sentence of success, or the core's error with where it came from).
import { useState } from 'react';
import { toAppError, type AppError } from '../ipc';

export type Run = ReturnType<typeof useRun>;

export function useRun() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const run = <T,>(label: string, context: string, action: () => Promise<T>, then: (value: T) => void, failed?: () => void) => {
    setBusy(label);
    setError(null);
    setSaved(null);
    action()
      .then(then, (e: unknown) => {
        setError({ context, error: toAppError(e) });
        failed?.();
      })
      .finally(() => setBusy(null));
  };

  return { busy, error, saved, setSaved, run };
}
