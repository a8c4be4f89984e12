// The environments as the core reports them: the active one, switching, a one-time
// notice (e.g. a corrupt settings file set aside), and changes another process made.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import { ipc, toAppError, type AppError } from '../ipc';

export function useEnvironments() {
  const [envs, setEnvs] = useState<EnvironmentsView | null>(null);
  const [envError, setEnvError] = useState<{ context: string; error: AppError } | null>(null);
  const [switching, setSwitching] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const dismissed = useRef(new Set<string>());
  // Changes another process made (a CLI verb, a script) show without a restart.
  const [dataVersion, setDataVersion] = useState(0);

  /** Every EnvironmentsView the backend sends replaces the one shown. */
  const applyView = useCallback((view: EnvironmentsView) => {
    setEnvs(view);
    setEnvError(null);
    // The notice is shown once, until dismissed.
    if (view.notice && !dismissed.current.has(view.notice)) setNotice(view.notice);
  }, []);

  const reread = useCallback(() => {
    ipc.environments().then(applyView, (e: unknown) => setEnvError({ context: 'Environments', error: toAppError(e) }));
  }, [applyView]);

  useEffect(() => {
    // The first read comes with the others of the first paint.
    ipc.startup().then((s) => applyView(s.environments), (e: unknown) => setEnvError({ context: 'Environments', error: toAppError(e) }));
    ipc.startup().then(({ view_state: v }) => {
      const list = v.dismissed_notices;
      for (const n of Array.isArray(list) ? list : []) if (typeof n === 'string') dismissed.current.add(n);
      setNotice((shown) => (shown && dismissed.current.has(shown) ? null : shown));
    }, () => {});
    const off = ipc.onDataChanged((what) => {
      if (what.includes('settings')) ipc.environments().then(applyView, () => {});
      setDataVersion((v) => v + 1);
    });
    return () => void off.then((unlisten) => unlisten(), () => {});
  }, [applyView]);

  const switchTo = useCallback(
    (id: string) => {
      setSwitching(true);
      ipc
        .setActiveEnvironment(id)
        .then(applyView, (e: unknown) => setEnvError({ context: 'Switch environment', error: toAppError(e) }))
        .finally(() => setSwitching(false));
    },
    [applyView],
  );

  const dismissNotice = () => {
    if (notice) {
      dismissed.current.add(notice);
      void ipc.setViewState('dismissed_notices', [...dismissed.current]).catch(() => {});
    }
    setNotice(null);
  };

  const active = envs?.environments.find((e) => e.environment.id === envs.active)?.environment ?? null;
  let blocked: string | null = null;
  if (!active) blocked = envError ? 'The environments could not be read.' : 'Loading the environments…';
  else if (switching) blocked = 'Switching the environment…';

  return { envs, active, envError, switching, blocked, notice, dismissNotice, applyView, reread, switchTo, dataVersion };
}

export type Environments = ReturnType<typeof useEnvironments>;
