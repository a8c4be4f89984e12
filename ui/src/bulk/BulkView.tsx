// Bulk links: a CSV of people in, one flow (and link) per valid row out. The backend
// parses and checks the file (bulk_preview), creates the flows with a bounded
// concurrency, keeps every batch on disk (resume after a crash or quit) and reports
// progress as bulk-progress events; this view shows it and hands the links off.
import { useCallback, useMemo, useState, type MouseEvent } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { ErrorNote } from '../components/ErrorNote';
import { useCopy, useNotify } from '../desk/notify';
import { useQuery } from '../desk/useQuery';
import { downloadText } from '../files';
import { ipc, toAppError, type AppError } from '../ipc';
import { BulkBatches } from './BulkBatches';
import { BulkForm, DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './BulkForm';
import { bulkIpc, bulkTemplateOf } from './bulkIpc';
import { BulkRows } from './BulkRows';
import { BulkRun } from './BulkRun';
import { SAMPLE_CSV } from './status';
import type { BulkRowView } from './types';
import { useBatches } from './useBatches';
import { useCsvPreview } from './useCsvPreview';
import './bulk.css';

export { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './BulkForm';

type Props = {
  /** The active environment: a batch is created there. */
  env: EnvironmentView | null;
  /** Go to the builder (to save a step template first). */
  onBuild: () => void;
};

export function BulkView({ env, onBuild }: Props) {
  const notify = useNotify();
  const copy = useCopy();
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const fail = useCallback((context: string) => (e: unknown) => setError({ context, error: toAppError(e) }), []);
  const templates = useQuery(() => bulkIpc.templates(), []);
  const b = useBatches(fail);
  const csv = useCsvPreview(fail, (picked) => {
    setError(null);
    if (picked) b.hide();
  });
  const [templateName, setTemplateName] = useState('');
  const [concurrencyText, setConcurrencyText] = useState(String(DEFAULT_CONCURRENCY));
  const [starting, setStarting] = useState(false);

  const list = templates.data;
  const template = list?.find((t) => t.name === templateName) ?? null;
  const concurrency = /^\d+$/.test(concurrencyText.trim()) ? Number(concurrencyText.trim()) : NaN;
  const { file, preview, previewing } = csv;

  let blocked: string | null = null;
  if (!file) blocked = 'Choose a CSV file.';
  else if (previewing) blocked = 'Reading the file…';
  else if (!preview) blocked = 'The file could not be read.';
  else if (preview.valid === 0) blocked = 'The file has no valid row.';
  else if (list === null) blocked = 'Loading the templates…';
  else if (!template) blocked = list.length === 0 ? 'Save a step template in the builder first.' : 'Choose a step template.';
  else if (!(concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
    blocked = `Concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}.`;
  } else if (!env) blocked = 'Loading the environments…';
  else if (starting) blocked = 'Starting…';
  else if (b.running) blocked = 'A batch is running: wait for it or cancel it.';

  // In Production the app asks in a native dialog of its own (the core's rule); a "no"
  // comes back as a confirmation_required error, shown like any other.
  const start = () => {
    if (blocked !== null || !env || !file || !template) return;
    setStarting(true);
    setError(null);
    const steps = template.steps.map((s) => s.name);
    bulkIpc
      .start(file.bytes, bulkTemplateOf(template), env.id, concurrency)
      .then((view) => b.started(view, steps), fail('Start'))
      .finally(() => setStarting(false));
  };

  const batch = b.batch;
  const exportCsv = (kind: 'results' | 'mail-merge') => {
    if (!batch) return;
    const id = batch.batch_id;
    const read = kind === 'results' ? bulkIpc.resultsCsv(id) : bulkIpc.mailMergeCsv(id);
    read.then((text) => downloadText(`bulk-${id}-${kind}.csv`, text), fail(kind === 'results' ? 'Results CSV' : 'Mail-merge CSV'));
  };

  const open = (e: MouseEvent<HTMLAnchorElement>, link: string) => {
    // Never navigate the app window: the system browser opens the link.
    e.preventDefault();
    ipc.openLink(link).catch(fail('Open link'));
  };

  const email = (row: BulkRowView) => {
    if (!row.link || !batch) return;
    setError(null);
    const steps = b.stepsOf(batch.batch_id);
    ipc
      .emailOpen({ link: row.link, steps, to: row.email, ...(row.reference ? { reference: row.reference } : {}) })
      .then(() => notify('Email opened in your mail app'), fail('Email'));
  };

  const shown = batch ? b.rows : (preview?.rows ?? []);
  const links = useMemo(() => b.rows.filter((r) => r.link).map((r) => r.link as string), [b.rows]);
  const problem = error ?? (templates.error ? { context: 'Templates', error: templates.error } : null) ?? (b.listError ? { context: 'Batches', error: b.listError } : null);

  return (
    <section className="bulk" aria-labelledby="bulk-title" data-testid="bulk-view">
      <h2 id="bulk-title">Bulk links</h2>
      <p className="hint">
        One flow per row of a CSV file (columns <code>email</code>, and optionally <code>name</code>,{' '}
        <code>reference</code>, <code>user_id</code>), all with the steps of one template.
      </p>
      <BulkForm
        templates={list}
        templateName={templateName}
        concurrency={concurrencyText}
        onFile={csv.choose}
        onTemplate={setTemplateName}
        onConcurrency={setConcurrencyText}
        onBuild={onBuild}
      />
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
            (env?.is_production ? `Ready — production (${env.name}): you will be asked to confirm` : `Ready — in ${env?.name ?? ''}`)}
        </span>
      </div>
      {problem ? <ErrorNote error={problem.error} context={problem.context} /> : null}
      {batch ? (
        <BulkRun
          batch={batch}
          links={links}
          onCancel={b.cancel}
          onExport={exportCsv}
          onCopyAll={() => copy(links.join('\n'), links.length === 1 ? '1 link' : `${links.length} links`)}
        />
      ) : null}
      {shown.length > 0 ? <BulkRows rows={shown} started={batch !== null} onOpen={open} onCopy={(l) => copy(l)} onEmail={email} /> : null}
      <BulkBatches
        batches={b.batches}
        running={b.running}
        onShow={b.show}
        onResume={(id) => {
          setError(null);
          b.resume(id);
        }}
        onCopySample={() => copy(SAMPLE_CSV, 'Sample CSV')}
      />
    </section>
  );
}
