// Ctrl/Cmd+K: jump to a screen, switch environment, start from a template, or find a
// flow in History. Commands are matched here; flows are found by the core's history
// search (id, email, reference, …), never by filtering in the page.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { Template } from '../bindings/Template';
import { ipc } from '../ipc';
import { matching, type Command } from './commands';
import { useQuery } from './useQuery';

const FLOW_LIMIT = 8;

type Props = {
  /** The commands, given the saved templates (read when the palette opens). */
  commandsWith: (templates: Template[]) => Command[];
  onOpenFlow: (entry: HistoryEntry) => void;
  onClose: () => void;
};
type Item = { key: string; label: string; group: string; run: () => void };

function emailOf(e: HistoryEntry): string | null {
  const meta = e.metadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const email = (meta as Record<string, unknown>).email;
    if (typeof email === 'string') return email;
  }
  return null;
}

function flowLabel(e: HistoryEntry): string {
  const about = [e.reference, emailOf(e), e.user_id].filter(Boolean).join(' · ');
  return `Open flow ${e.flow_id}${about ? ` — ${about}` : ''} (${e.environment_name})`;
}

export function CommandPalette({ commandsWith, onOpenFlow, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const q = query.trim();
  const templates = useQuery(() => ipc.templatesList(), []);
  const commands = commandsWith(templates.data ?? []);
  const flows = useQuery(() => (q === '' ? Promise.resolve([]) : ipc.historySearch(q, FLOW_LIMIT)), [q], 150);

  const items: Item[] = [
    ...matching(commands, q).map((c) => ({ key: c.id, label: c.label, group: c.group, run: c.run })),
    ...(q === '' ? [] : (flows.data ?? [])).map((e) => ({
      key: `flow-${e.flow_id}`,
      label: flowLabel(e),
      group: 'History',
      run: () => onOpenFlow(e),
    })),
  ];
  const current = Math.min(active, Math.max(items.length - 1, 0));

  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [q]);

  const choose = (item: Item | undefined) => {
    if (!item) return;
    onClose();
    item.run();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + items.length) % Math.max(items.length, 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(items[current]);
    } else if (e.key === 'Tab') {
      // One field in this dialog: the focus stays in it.
      e.preventDefault();
    }
  };

  const optionId = (i: number) => `palette-option-${i}`;
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="command-palette" role="dialog" aria-modal="true" aria-label="Command palette" data-testid="command-palette" onKeyDown={onKeyDown}>
        <input
          ref={input}
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-autocomplete="list"
          aria-activedescendant={items.length > 0 ? optionId(current) : undefined}
          aria-label="Type a command, or a flow id, email or reference"
          placeholder="Go to…, switch to…, template…, or a flow id, email, reference"
          value={query}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setQuery(e.target.value)}
          data-testid="palette-input"
        />
        <ul id="palette-list" role="listbox" aria-label="Commands and flows" className="palette-list">
          {items.map((item, i) => (
            <li
              key={item.key}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'palette-option palette-option--on' : 'palette-option'}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(item)}
              data-testid={`palette-item-${item.key}`}
            >
              <span className="palette-option-label">{item.label}</span>
              <span className="tag">{item.group}</span>
            </li>
          ))}
        </ul>
        {items.length === 0 ? (
          <p className="empty" data-testid="palette-empty">
            {flows.loading ? 'Searching the history…' : 'Nothing matches: try a screen name, an environment, or a flow id, email or reference.'}
          </p>
        ) : null}
        {flows.error ? (
          <p className="note note--fail" role="status">
            History search failed ({flows.error.kind}): {flows.error.message}
          </p>
        ) : null}
      </div>
    </div>
  );
}
