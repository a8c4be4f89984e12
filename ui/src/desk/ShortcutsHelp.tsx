// "?": the keyboard shortcuts, in one list.
import { useEffect, useRef } from 'react';

const MOD = /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘' : 'Ctrl';

export const SHORTCUTS: ReadonlyArray<[keys: string, what: string]> = [
  [`${MOD}+K`, 'Command palette: screens, environments, templates, flows in History'],
  [`${MOD}+Enter`, 'Create the flow in the builder (when it is valid)'],
  [`${MOD}+Shift+C`, 'Copy the link of the last flow created'],
  ['?', 'This list (not while typing in a field)'],
  ['Esc', 'Close a dialog, the palette or the settings'],
  ['← → ↑ ↓', 'In the environment switch: move and switch'],
];

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="command-palette shortcuts-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts-help"
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === 'Tab') {
            e.preventDefault();
            if (e.key === 'Escape') onClose();
          }
        }}
      >
        <div className="drawer-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button ref={close} type="button" className="small" onClick={onClose} data-testid="close-shortcuts">
            Close
          </button>
        </div>
        <dl className="shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys} className="shortcut">
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
