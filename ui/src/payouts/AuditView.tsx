// The append-only audit log (who moved what money where, with Dots' ids), its CSV
// export, and the active environment's limits.
import { useCallback, useEffect, useState } from 'react';
import type { AuditRead } from '../bindings/AuditRead';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { DataTable } from '../components/DataTable';
import { ErrorNote } from '../components/ErrorNote';
import { toAppError, type AppError } from '../ipc';
import { formatCents } from './cents';
import { LimitsEditor } from './LimitsEditor';
import { downloadText } from '../files';
import { when } from '../when';
import { moneyIpc } from './moneyIpc';
import './payouts.css';
import { useNotify } from '../desk/notify';

/** A screenful and then some; a year's log (100,000 lines) is for the CSV export. */
const AUDIT_SHOWN = 500;

const AUDIT_COLUMNS = ['Time', 'User', 'Environment', 'Action', 'Amount', 'Recipient', 'Result', 'Dots ids'];

type Props = { env: EnvironmentView | null; onMoney: () => void };

export function AuditView({ env, onMoney }: Props) {
  const notify = useNotify();
  const [read, setRead] = useState<AuditRead | null>(null);
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);

  const load = useCallback(() => {
    moneyIpc.auditRead(AUDIT_SHOWN).then(
      (r) => {
        setRead(r);
        setError(null);
      },
      (e: unknown) => setError({ context: 'Audit log', error: toAppError(e) }),
    );
  }, []);
  useEffect(load, [load]);

  const exportCsv = () =>
    moneyIpc.auditCsv().then(
      (csv) => {
        downloadText('audit.csv', csv);
        notify('Audit log exported as audit.csv');
      },
      (e: unknown) => setError({ context: 'Export CSV', error: toAppError(e) }),
    );

  return (
    <div className="money-view" data-testid="audit-view">
      <section className="money-panel" aria-labelledby="audit-title">
        <div className="history-bar">
          <h2 id="audit-title">Audit log</h2>
          <button type="button" className="small" onClick={load} data-testid="audit-refresh">
            Refresh
          </button>
          <button type="button" className="small" onClick={exportCsv} data-testid="audit-export">
            Export CSV
          </button>
        </div>
        {error ? <ErrorNote error={error.error} context={error.context} /> : null}
        {read && read.skipped_lines > 0 ? (
          <p className="note note--warn" role="status" data-testid="audit-skipped">
            {read.skipped_lines} {read.skipped_lines === 1 ? 'line' : 'lines'} of the audit log could not be read (a write cut short,
            e.g. by a crash) and {read.skipped_lines === 1 ? 'is' : 'are'} not shown.
          </p>
        ) : null}
        {read && read.total > read.entries.length ? (
          <p className="note" role="status" data-testid="audit-shown">
            The latest {read.entries.length} of {read.total} entries; Export CSV has every one.
          </p>
        ) : null}
        {read && read.entries.length === 0 ? (
          <p className="empty" data-testid="audit-empty">
            Nothing audited yet: every money action is written here.{' '}
            <button type="button" className="link-button" onClick={onMoney} data-testid="audit-go-money">
              Send a payout from Money
            </button>
          </p>
        ) : null}
        {read && read.entries.length > 0 ? (
          <DataTable headers={AUDIT_COLUMNS} testId="audit-table">
            {read.entries.map((e, i) => (
              <tr key={i} data-testid={`audit-row-${i}`}>
                <td>{when(e.time)}</td>
                <td>{e.os_user}</td>
                <td>{e.environment}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td data-testid={`audit-amount-${i}`}>{e.amount_cents === null ? '—' : formatCents(e.amount_cents)}</td>
                <td>{e.recipient ?? '—'}</td>
                <td data-testid={`audit-result-${i}`}>
                  {e.result}
                  {e.message ? <span className="bulk-detail">{e.message}</span> : null}
                </td>
                <td>
                  {e.dots_ids.map((id) => (
                    <code key={id} className="audit-id">
                      {id}
                    </code>
                  ))}
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </section>
      {env ? <LimitsEditor env={env} /> : null}
    </div>
  );
}
