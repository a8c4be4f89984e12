// The app's toast: any part of the UI says something short with useNotify(), instead of
// an onNotify prop handed down through every screen.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ipc, toAppError } from '../ipc';

export type Notify = (text: string, error?: boolean) => void;

const NotifyContext = createContext<Notify>(() => {});

export function useNotify(): Notify {
  return useContext(NotifyContext);
}

/** Copies text and says so (or why not, and what to do instead). */
export function useCopy(): (text: string, what?: string) => void {
  const notify = useNotify();
  return useCallback(
    (text: string, what = 'Link') => {
      ipc.copyText(text).then(
        () => notify(`${what} copied`),
        (e: unknown) => {
          const err = toAppError(e);
          notify(`Could not copy (${err.kind}): ${err.message} — select it and copy it by hand.`, true);
        },
      );
    },
    [notify],
  );
}

/** Holds the toast on screen for three seconds; a new message replaces the old. */
export function NotifyProvider({ children }: { children: ReactNode }) {
  const [toast, setToast] = useState<{ text: string; error: boolean; n: number } | null>(null);
  const notify = useCallback<Notify>((text, error = false) => {
    setToast((t) => ({ text, error, n: (t?.n ?? 0) + 1 }));
  }, []);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 3000);
    return () => clearTimeout(timer);
  }, [toast]);

  return (
    <NotifyContext.Provider value={notify}>
      {children}
      {toast ? (
        <div
          key={toast.n}
          className={toast.error ? 'toast toast--error' : 'toast'}
          role="status"
          aria-live="polite"
          data-testid="toast"
        >
          {toast.text}
        </div>
      ) : null}
    </NotifyContext.Provider>
  );
}
