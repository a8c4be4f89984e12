import type { ReactNode } from 'react';

type Props = {
  /** One per column; a node for a header read by screen readers only. */
  headers: ReactNode[];
  /**
   * "wide": many columns, scrolls sideways in its own box (bulk, money, audit);
   * "list": the narrower history-style list (History, From Dots, Users).
   */
  kind?: 'wide' | 'list';
  testId?: string;
  /** The rows (<tr>s). */
  children: ReactNode;
};

/** A table with one header row; the caller gives the rows. */
export function DataTable({ headers, kind = 'wide', testId, children }: Props) {
  const table = (
    <table className={kind === 'wide' ? 'bulk-table' : 'history-table'} data-testid={testId}>
      <thead>
        <tr>
          {headers.map((h, i) => (
            <th key={i}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
  return kind === 'wide' ? <div className="bulk-table-wrap">{table}</div> : table;
}
