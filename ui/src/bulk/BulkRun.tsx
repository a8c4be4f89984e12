// The batch on screen: its state, progress and counts, and what to take away (CSVs, links).
import { batchStatus } from './status';
import type { BatchView } from './types';

type Props = {
  batch: BatchView;
  links: string[];
  onCancel: () => void;
  onExport: (kind: 'results' | 'mail-merge') => void;
  onCopyAll: () => void;
};

export function BulkRun({ batch, links, onCancel, onExport, onCopyAll }: Props) {
  const p = batch.progress;
  const done = p.created + p.failed + p.unknown;
  const max = done + p.remaining;
  return (
    <div className="bulk-run" data-testid="bulk-run" data-batch-id={batch.batch_id}>
      <div className="bulk-run-head">
        <span className={batch.finished ? 'pill pill--ok' : 'pill'} data-testid="bulk-status">
          {batchStatus(batch)}
        </span>
        <progress value={done} max={Math.max(max, 1)} aria-label="Batch progress" />
        {batch.stopped_by ? (
          <span className="note note--warn" role="alert" data-testid="bulk-stopped-by">
            Stopped: {batch.stopped_by.message}
          </span>
        ) : null}
        {batch.running ? (
          <button type="button" className="small small--danger" onClick={onCancel} data-testid="bulk-cancel">
            Cancel
          </button>
        ) : null}
      </div>
      <p className="bulk-counts" data-testid="bulk-progress">
        <span data-testid="bulk-done">{done}</span> of {max} done: <span data-testid="bulk-created">{p.created}</span>{' '}
        created · <span data-testid="bulk-failed">{p.failed}</span> failed ·{' '}
        {p.unknown > 0 ? (
          <>
            <span data-testid="bulk-unknown">{p.unknown}</span> unknown ·{' '}
          </>
        ) : null}
        <span data-testid="bulk-remaining">{p.remaining}</span> remaining
        {p.invalid > 0 ? ` (${p.invalid} invalid ${p.invalid === 1 ? 'row' : 'rows'} skipped)` : ''}
      </p>
      <div className="flow-actions">
        <button type="button" className="small" onClick={() => onExport('results')} data-testid="bulk-export-results">
          Results CSV
        </button>
        <button type="button" className="small" onClick={() => onExport('mail-merge')} data-testid="bulk-export-mail">
          Mail-merge CSV
        </button>
        <button type="button" className="small" disabled={links.length === 0} onClick={onCopyAll} data-testid="bulk-copy-all">
          Copy all links
        </button>
      </div>
    </div>
  );
}
