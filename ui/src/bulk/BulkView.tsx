// Bulk links: a CSV of people in, one flow (and link) per valid row out. The backend
// parses and checks the file (bulk_preview), creates the flows with a bounded
// concurrency, keeps every batch on disk (resume after a crash or quit) and reports
// progress as bulk-progress events; this view shows it and hands the links off.
import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent, type MouseEvent } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { Template } from '../bindings/Template';
import { DataTable } from '../components/DataTable';
import { ErrorNote } from '../components/ErrorNote';
import { ipc, toAppError, type AppError } from '../ipc';
import { downloadText } from '../files';
import { when } from '../when';
import { bulkIpc, bulkTemplateOf } from './bulkIpc';
import type { BatchView, BulkPreview, BulkRowState, BulkRowView } from './types';
import './bulk.css';

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

type Props = {
  /** The active environment: a batch is created there. */
  env: EnvironmentView | null;
  /** A short message for the app's toast. */
  onNotify: (text: string, error?: boolean) => void;
};

type Failure = { context: string; error: AppError };
type Chosen = { name: string; bytes: number[] };

// The row table's columns; a started batch adds its flow id and link.
const ROW_COLUMNS = ['Row', 'Email', 'Name', 'Reference', 'State'];

const STATE_LABEL: Record<BulkRowState, string> = {
  invalid: 'Invalid',
  pending: 'Pending',
  sending: 'Sending…',
  created: 'Created',
  failed: 'Failed',
  unknown: 'Unknown',
};

function batchStatus(b: BatchView): string {
  if (b.running) return 'Running';
  if (b.finished) return 'Finished';
  return 'Stopped — can be resumed';
}

export function BulkView({ env, onNotify }: Props) {
  const [file, setFile] = useState<Chosen | null>(null);
  const [preview, setPreview] = useState<BulkPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [templateName, setTemplateName] = useState('');
  const [concurrencyText, setConcurrencyText] = useState(String(DEFAULT_CONCURRENCY));
  const [batch, setBatch] = useState<BatchView | null>(null);
  const [rows, setRows] = useState<BulkRowView[]>([]);
  const [batches, setBatches] = useState<BatchView[] | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<Failure | null>(null);

  // The batch on screen, for the event handler; the steps each batch was started with (for email).
  const batchId = useRef<string | null>(null);
  batchId.current = batch?.batch_id ?? null;
  const batchSteps = useRef(new Map<string, string[]>());
  // One bulk_rows at a time: events that come meanwhile ask for one more read after it.
  const rowsRead = useRef<{ id: string; again: boolean } | null>(null);
  const previewSeq = useRef(0);

  const fail = useCallback((context: string) => (e: unknown) => setError({ context, error: toAppError(e) }), []);

  const loadBatches = useCallback(() => {
    bulkIpc.batches().then(setBatches, fail('Batches'));
  }, [fail]);

  const loadRows = useCallback(
    (id: string) => {
      const busy = rowsRead.current;
      if (busy && busy.id === id) {
        busy.again = true;
        return;
      }
      const read = { id, again: false };
      rowsRead.current = read;
      bulkIpc
        .rows(id)
        .then((r) => {
          if (batchId.current === id) setRows(r);
        }, fail('Rows'))
        .finally(() => {
          if (rowsRead.current !== read) return;
          rowsRead.current = null;
          if (read.again && batchId.current === id) loadRows(id);
        });
    },
    [fail],
  );

  useEffect(() => {
    let alive = true;
    bulkIpc.templates().then(
      (t) => {
        if (alive) setTemplates(t);
      },
      (e: unknown) => {
        if (alive) setError({ context: 'Templates', error: toAppError(e) });
      },
    );
    bulkIpc.batches().then(
      (b) => {
        if (alive) setBatches(b);
      },
      (e: unknown) => {
        if (alive) setError({ context: 'Batches', error: toAppError(e) });
      },
    );
    return () => {
      alive = false;
    };
  }, []);

  // Progress: the batch on screen takes the event's view and its rows are read again.
  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let alive = true;
    bulkIpc
      .onProgress((view) => {
        setBatches((list) => {
          if (!list) return list;
          return list.some((b) => b.batch_id === view.batch_id)
            ? list.map((b) => (b.batch_id === view.batch_id ? view : b))
            : [view, ...list];
        });
        if (view.batch_id === batchId.current) {
          setBatch(view);
          loadRows(view.batch_id);
        }
      })
      .then((u) => {
        if (alive) unlisten = u;
        else u();
      }, fail('Progress'));
    return () => {
      alive = false;
      unlisten?.();
    };
  }, [loadRows, fail]);

  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const picked = e.target.files?.[0];
    setError(null);
    setPreview(null);
    if (!picked) {
      setFile(null);
      return;
    }
    // A new file leaves the batch on screen (it goes on in the list of batches).
    setBatch(null);
    setRows([]);
    const seq = ++previewSeq.current;
    setPreviewing(true);
    picked
      .arrayBuffer()
      .then((buf) => {
        const bytes = Array.from(new Uint8Array(buf));
        if (seq === previewSeq.current) setFile({ name: picked.name, bytes });
        return bulkIpc.preview(bytes);
      })
      .then(
        (p) => {
          if (seq === previewSeq.current) setPreview(p);
        },
        (err: unknown) => {
          if (seq === previewSeq.current) setError({ context: 'Preview', error: toAppError(err) });
        },
      )
      .finally(() => {
        if (seq === previewSeq.current) setPreviewing(false);
      });
  };

  const template = templates?.find((t) => t.name === templateName) ?? null;
  const concurrency = /^\d+$/.test(concurrencyText.trim()) ? Number(concurrencyText.trim()) : NaN;
  const running = batches?.some((b) => b.running) ?? false;

  let blocked: string | null = null;
  if (!file) blocked = 'Choose a CSV file.';
  else if (previewing) blocked = 'Reading the file…';
  else if (!preview) blocked = 'The file could not be read.';
  else if (preview.valid === 0) blocked = 'The file has no valid row.';
  else if (templates === null) blocked = 'Loading the templates…';
  else if (!template) blocked = templates.length === 0 ? 'Save a step template in the builder first.' : 'Choose a step template.';
  else if (!(concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
    blocked = `Concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}.`;
  } else if (!env) blocked = 'Loading the environments…';
  else if (starting) blocked = 'Starting…';
  else if (running) blocked = 'A batch is running: wait for it or cancel it.';

  const show = useCallback(
    (view: BatchView) => {
      batchId.current = view.batch_id;
      setBatch(view);
      setRows([]);
      loadRows(view.batch_id);
    },
    [loadRows],
  );

  const send = (target: EnvironmentView) => {
    if (!file || !template) return;
    setStarting(true);
    setError(null);
    const steps = template.steps.map((s) => s.name);
    bulkIpc
      .start(file.bytes, bulkTemplateOf(template), target.id, concurrency)
      .then(
        (view) => {
          batchSteps.current.set(view.batch_id, steps);
          show(view);
          loadBatches();
        },
        fail('Start'),
      )
      .finally(() => setStarting(false));
  };

  // In Production the app asks in a native dialog of its own (the core's rule); a "no"
  // comes back as a confirmation_required error, shown like any other.
  const start = () => {
    if (blocked !== null || !env || !preview) return;
    send(env);
  };

  const cancel = () => {
    if (!batch) return;
    const id = batch.batch_id;
    bulkIpc
      .cancel(id)
      .then(() => bulkIpc.batches())
      .then((list) => {
        setBatches(list);
        const now = list.find((b) => b.batch_id === id);
        if (now && batchId.current === id) setBatch(now);
        loadRows(id);
      }, fail('Cancel'));
  };

  const resume = (id: string) => {
    setError(null);
    bulkIpc.resume(id).then((view) => {
      show(view);
      loadBatches();
    }, fail('Resume'));
  };

  const exportCsv = (kind: 'results' | 'mail-merge') => {
    if (!batch) return;
    const id = batch.batch_id;
    const read = kind === 'results' ? bulkIpc.resultsCsv(id) : bulkIpc.mailMergeCsv(id);
    read.then((text) => downloadText(`bulk-${id}-${kind}.csv`, text), fail(kind === 'results' ? 'Results CSV' : 'Mail-merge CSV'));
  };

  const copy = (text: string, what: string) => {
    ipc.copyText(text).then(
      () => onNotify(`${what} copied`),
      (e: unknown) => {
        const err = toAppError(e);
        onNotify(`Could not copy (${err.kind}): ${err.message}`, true);
      },
    );
  };

  const open = (e: MouseEvent<HTMLAnchorElement>, link: string) => {
    // Never navigate the app window: the system browser opens the link.
    e.preventDefault();
    ipc.openLink(link).catch(fail('Open link'));
  };

  const email = (row: BulkRowView) => {
    if (!row.link || !batch) return;
    setError(null);
    const steps = batchSteps.current.get(batch.batch_id) ?? [];
    ipc
      .emailOpen({ link: row.link, steps, to: row.email, ...(row.reference ? { reference: row.reference } : {}) })
      .then(() => onNotify('Email opened in your mail app'), fail('Email'));
  };

  const shown = batch ? rows : (preview?.rows ?? []);
  const links = useMemo(() => rows.filter((r) => r.link).map((r) => r.link as string), [rows]);
  const p = batch?.progress;
  const done = p ? p.created + p.failed + p.unknown : 0;
  const max = p ? done + p.remaining : 0;

  return (
    <section className="bulk" aria-labelledby="bulk-title" data-testid="bulk-view">
      <h2 id="bulk-title">Bulk links</h2>
      <p className="hint">
        One flow per row of a CSV file (columns <code>email</code>, and optionally <code>name</code>,{' '}
        <code>reference</code>, <code>user_id</code>), all with the steps of one template.
      </p>
      <div className="bulk-form">
        <label className="field">
          <span>CSV file</span>
          <input type="file" accept=".csv,text/csv" onChange={choose} data-testid="bulk-file" />
        </label>
        <label className="field">
          <span>Template</span>
          <select value={templateName} onChange={(e) => setTemplateName(e.target.value)} data-testid="bulk-template">
            <option value="">Choose a template…</option>
            {(templates ?? []).map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({t.steps.map((s) => s.name).join(', ') || 'no steps'})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Concurrency</span>
          <input
            type="number"
            min={1}
            max={MAX_CONCURRENCY}
            value={concurrencyText}
            onChange={(e) => setConcurrencyText(e.target.value)}
            data-testid="bulk-concurrency"
          />
        </label>
      </div>

      {preview ? (
        <div className="bulk-summary">
          <p data-testid="bulk-counts">
            {preview.valid} valid, {preview.invalid} invalid
          </p>
          {preview.warnings.length > 0 ? (
            <ul className="note note--warn bulk-warnings" data-testid="bulk-warnings">
              {preview.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div className="create-bar">
        <button
          type="button"
          className={env?.is_production ? 'primary primary--danger' : 'primary'}
          disabled={blocked !== null}
          onClick={start}
          aria-describedby="bulk-start-reason"
          data-testid="bulk-start"
        >
          {starting
            ? 'Starting…'
            : env?.is_production && preview
              ? `Create ${preview.valid} flows in ${env.name}`
              : preview
                ? `Create ${preview.valid} flows`
                : 'Create flows'}
        </button>
        <span id="bulk-start-reason" className="create-reason" data-testid="bulk-start-reason">
          {blocked ??
            (env?.is_production
              ? `Ready — production (${env.name}): you will be asked to confirm`
              : `Ready — in ${env?.name ?? ''}`)}
        </span>
      </div>

      {error ? <ErrorNote error={error.error} context={error.context} /> : null}

      {batch && p ? (
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
              <button type="button" className="small small--danger" onClick={cancel} data-testid="bulk-cancel">
                Cancel
              </button>
            ) : null}
          </div>
          <p className="bulk-counts" data-testid="bulk-progress">
            <span data-testid="bulk-done">{done}</span> of {max} done:{' '}
            <span data-testid="bulk-created">{p.created}</span> created ·{' '}
            <span data-testid="bulk-failed">{p.failed}</span> failed ·{' '}
            {p.unknown > 0 ? (
              <>
                <span data-testid="bulk-unknown">{p.unknown}</span> unknown ·{' '}
              </>
            ) : null}
            <span data-testid="bulk-remaining">{p.remaining}</span> remaining
            {p.invalid > 0 ? ` (${p.invalid} invalid ${p.invalid === 1 ? 'row' : 'rows'} skipped)` : ''}
          </p>
          <div className="flow-actions">
            <button type="button" className="small" onClick={() => exportCsv('results')} data-testid="bulk-export-results">
              Results CSV
            </button>
            <button type="button" className="small" onClick={() => exportCsv('mail-merge')} data-testid="bulk-export-mail">
              Mail-merge CSV
            </button>
            <button
              type="button"
              className="small"
              disabled={links.length === 0}
              onClick={() => copy(links.join('\n'), links.length === 1 ? '1 link' : `${links.length} links`)}
              data-testid="bulk-copy-all"
            >
              Copy all links
            </button>
          </div>
        </div>
      ) : null}

      {shown.length > 0 ? (
        <DataTable headers={batch ? [...ROW_COLUMNS, 'Flow id', 'Link'] : ROW_COLUMNS} testId="bulk-rows">
          {shown.map((r) => (
            <tr key={r.row} data-testid={`bulk-row-${r.row}`} data-state={r.state} className={`bulk-row bulk-row--${r.state}`}>
              <td title={`Line ${r.line} of the file`}>{r.row}</td>
              <td>{r.email}</td>
              <td>{r.name ?? ''}</td>
              <td>{r.reference ?? ''}</td>
              <td>
                <span className="bulk-state" data-testid={`bulk-state-${r.row}`}>
                  {STATE_LABEL[r.state as BulkRowState] ?? r.state}
                </span>
                {r.detail ? (
                  <span className="bulk-detail" data-testid={`bulk-detail-${r.row}`}>
                    {r.detail}
                  </span>
                ) : null}
              </td>
              {batch ? (
                <>
                  <td>{r.flow_id ? <code data-testid={`bulk-flow-${r.row}`}>{r.flow_id}</code> : null}</td>
                  <td>
                    {r.link ? (
                      <div className="bulk-link">
                        <a
                          href={r.link}
                          onClick={(e) => open(e, r.link as string)}
                          rel="noreferrer"
                          data-testid={`bulk-link-${r.row}`}
                        >
                          {r.link}
                        </a>
                        <button
                          type="button"
                          className="small"
                          onClick={() => copy(r.link as string, 'Link')}
                          data-testid={`bulk-copy-${r.row}`}
                        >
                          Copy
                        </button>
                        <button type="button" className="small" onClick={() => email(r)} data-testid={`bulk-email-${r.row}`}>
                          Email
                        </button>
                      </div>
                    ) : null}
                  </td>
                </>
              ) : null}
            </tr>
          ))}
        </DataTable>
      ) : null}

      <div className="bulk-batches" data-testid="bulk-batches">
        <h2>Earlier batches</h2>
        {batches === null ? (
          <p className="empty">Loading…</p>
        ) : batches.length === 0 ? (
          <p className="empty">No batch yet.</p>
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
                  <button type="button" className="small" onClick={() => show(b)} data-testid={`bulk-open-${b.batch_id}`}>
                    Show
                  </button>
                  {!b.finished && !b.running ? (
                    <button
                      type="button"
                      className="small"
                      disabled={running}
                      onClick={() => resume(b.batch_id)}
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

    </section>
  );
}
