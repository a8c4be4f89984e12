// The window-wide keys: Ctrl/Cmd+K opens the command palette (even from a field);
// "?" opens the shortcuts, unless the person is typing or a dialog is open.
import { useEffect, useRef } from 'react';
import { dialogOpen } from './dialogs';

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useShortcuts(openPalette: () => void, openHelp: () => void) {
  const latest = useRef({ openPalette, openHelp });
  latest.current = { openPalette, openHelp };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) return;
      if (e.key.toLowerCase() === 'k' && (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey) {
        if (dialogOpen()) return;
        e.preventDefault();
        latest.current.openPalette();
      } else if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target) && !dialogOpen()) {
        e.preventDefault();
        latest.current.openHelp();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
