// The screen on show, remembered for the next start (unless the person already moved).
import { useCallback, useEffect, useRef, useState } from 'react';
import { ipc } from '../ipc';
import { isScreen, type Screen } from './screens';

export function useScreen() {
  const [screen, setScreen] = useState<Screen>('builder');
  const navigated = useRef(false);

  useEffect(() => {
    ipc.startup().then(({ view_state: v }) => {
      if (isScreen(v.last_screen) && !navigated.current) setScreen(v.last_screen);
    }, () => {});
  }, []);

  const go = useCallback((next: Screen) => {
    navigated.current = true;
    setScreen(next);
    void ipc.setViewState('last_screen', next).catch(() => {});
  }, []);

  return { screen, go };
}
