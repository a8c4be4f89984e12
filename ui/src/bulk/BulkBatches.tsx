// Earlier batches: show one, resume a stopped one; with none yet, a sample CSV to start from.
import { downloadText } from '../files';
import { when } from '../when';
import { batchStatus, SAMPLE_CSV } from './status';
import type { BatchView } from './types';

type Props = {
  batches: BatchView[] | null;
  running: boolean;
  onShow: (batch: BatchView) => void;
  onResume: (id: string) => void;
  onCopySample: () => void;
};

export function BulkBatches({ batches, running, onShow, onResume, onCopySample }: Props) {
  return (
    <div className="bulk-batches" data-testid="bulk-batches">
      <h2>Earlier batches</h2>
      {batches === null ? (
        <p className="empty">Loading…</p>
      ) : batches.length === 0 ? (
        <div className="empty" data-testid="bulk-empty">
          <p>No batch yet. Start from a sample file: one person per row.</p>
          <div className="form-buttons">
            <button type="button" className="small" onClick={() => downloadText('flowdesk-sample.csv', SAMPLE_CSV)} data-testid="bulk-sample-download">
              Download a sample CSV
            </button>
            <button type="button" className="small" onClick={onCopySample} data-testid="bulk-sample-copy">
              Copy the sample
            </button>
          </div>
        </div>
      ) : (
        <ul>
          {batches.map((b) => (
            <li key={b.batch_id} className="bulk-batch" data-testid={`bulk-batch-${b.batch_id}`}>
              <span className="bulk-batch-when">{when(b.started_at)}</span>
              <span className="tag">{b.environment_id}</span>
              <span className="bulk-batch-counts">
                {b.progress.created} created, {b.progress.failed} failed
                {b.progress.unknown > 0 ? `, ${b.progress.unknown} unknown` : ''}, {b.progress.remaining} remaining
              </span>
              <span className={b.finished ? 'pill pill--ok' : 'pill'}>{batchStatus(b)}</span>
              <span className="bulk-batch-actions">
                <button type="button" className="small" onClick={() => onShow(b)} data-testid={`bulk-open-${b.batch_id}`}>
                  Show
                </button>
                {!b.finished && !b.running ? (
                  <button
                    type="button"
                    className="small"
                    disabled={running}
                    onClick={() => onResume(b.batch_id)}
                    data-testid={`bulk-resume-${b.batch_id}`}
                  >
                    Resume
                  </button>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
