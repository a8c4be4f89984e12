// One read from the core, tied to the component's life: the answer of the latest read
// only (an older one that comes late is dropped), and none after unmount.
import { useCallback, useEffect, useRef, useState, type DependencyList, type Dispatch, type SetStateAction } from 'react';
import { toAppError, type AppError } from '../ipc';

export type Query<T> = {
  /** The last answer (kept while a newer read runs), or null before the first. */
  data: T | null;
  error: AppError | null;
  loading: boolean;
  /** Reads again with the same inputs. */
  reload: () => void;
  /** Replaces the answer shown (after an action whose reply is the new value). */
  setData: Dispatch<SetStateAction<T | null>>;
};

/**
 * Runs `read` now and whenever `deps` change (after `delayMs`, for typing in a search box).
 * `read` may be a new function each render: only `deps` decide when to read again.
 */
export function useQuery<T>(read: () => Promise<T>, deps: DependencyList, delayMs = 0): Query<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(read);
  latest.current = read;

  useEffect(() => {
    let alive = true;
    setLoading(true);
    const run = () =>
      latest.current().then(
        (value) => {
          if (!alive) return;
          setData(value);
          setError(null);
          setLoading(false);
        },
        (e: unknown) => {
          if (!alive) return;
          setError(toAppError(e));
          setLoading(false);
        },
      );
    if (delayMs <= 0) {
      void run();
      return () => {
        alive = false;
      };
    }
    const timer = setTimeout(run, delayMs);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps decide
  }, [...deps, generation, delayMs]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload, setData };
}
