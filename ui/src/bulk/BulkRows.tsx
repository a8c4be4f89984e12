// The rows of the file (before a batch) or of the batch on screen, with each row's link.
import type { MouseEvent } from 'react';
import { DataTable } from '../components/DataTable';
import { STATE_LABEL } from './status';
import type { BulkRowState, BulkRowView } from './types';

// The row table's columns; a started batch adds its flow id and link.
const ROW_COLUMNS = ['Row', 'Email', 'Name', 'Reference', 'State'];

type Props = {
  rows: BulkRowView[];
  started: boolean;
  onOpen: (e: MouseEvent<HTMLAnchorElement>, link: string) => void;
  onCopy: (link: string) => void;
  onEmail: (row: BulkRowView) => void;
};

export function BulkRows({ rows, started, onOpen, onCopy, onEmail }: Props) {
  return (
    <DataTable headers={started ? [...ROW_COLUMNS, 'Flow id', 'Link'] : ROW_COLUMNS} testId="bulk-rows">
      {rows.map((r) => (
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
          {started ? (
            <>
              <td>{r.flow_id ? <code data-testid={`bulk-flow-${r.row}`}>{r.flow_id}</code> : null}</td>
              <td>{r.link ? <RowLink row={r} link={r.link} onOpen={onOpen} onCopy={onCopy} onEmail={onEmail} /> : null}</td>
            </>
          ) : null}
        </tr>
      ))}
    </DataTable>
  );
}

type LinkProps = Omit<Props, 'rows' | 'started'> & { row: BulkRowView; link: string };

function RowLink({ row, link, onOpen, onCopy, onEmail }: LinkProps) {
  return (
    <div className="bulk-link">
      <a href={link} onClick={(e) => onOpen(e, link)} rel="noreferrer" data-testid={`bulk-link-${row.row}`}>
        {link}
      </a>
      <button type="button" className="small" onClick={() => onCopy(link)} data-testid={`bulk-copy-${row.row}`}>
        Copy
      </button>
      <button type="button" className="small" onClick={() => onEmail(row)} data-testid={`bulk-email-${row.row}`}>
        Email
      </button>
    </div>
  );
}
