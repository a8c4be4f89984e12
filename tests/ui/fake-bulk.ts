// The bulk-links side of the fake backend: bulk_preview parses a CSV (UTF-8 only, like
// the Rust side), bulk_start makes a batch whose rows a test moves on (finish), and the
// batches, rows and CSV exports are answered from that state. Every call is still
// recorded by the FakeBackend it is attached to.
import { randomUUID } from 'node:crypto';
import type { BatchView } from '../../ui/src/bindings/BatchView';
import type { BulkPreview } from '../../ui/src/bindings/BulkPreview';
import type { BulkProgress } from '../../ui/src/bindings/BulkProgress';
import type { BulkRowView } from '../../ui/src/bindings/BulkRowView';
import type { BulkTemplate } from '../../ui/src/bindings/BulkTemplate';
import { Rejection, type FakeBackend } from './fake-backend';
import { attachedFake, csvText } from './fake-parts';

export const BULK_COMMANDS = [
  'bulk_preview',
  'bulk_start',
  'bulk_cancel',
  'bulk_resume',
  'bulk_batches',
  'bulk_rows',
  'bulk_results_csv',
  'bulk_mail_merge_csv',
] as const;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = ['email', 'name', 'reference', 'user_id'];

/** A deliberately small CSV reader: commas, double-quoted fields, "" inside quotes. */
function parseLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

export type FakeBatch = {
  view: BatchView;
  rows: BulkRowView[];
  template: BulkTemplate;
  concurrency: number;
};

export class FakeBulk {
  readonly batches = new Map<string, FakeBatch>();

  constructor(private readonly backend: FakeBackend) {}

  /** Parses the file as the Rust side would (for the specs' purposes). */
  parse(bytes: number[]): BulkPreview {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
    } catch {
      throw new Rejection({ kind: 'invalid', message: 'The file is not UTF-8: save it as "CSV UTF-8" and pick it again' });
    }
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const header = parseLine(lines[0] ?? '').map((h) => h.toLowerCase());
    if (!header.includes('email')) throw new Rejection({ kind: 'invalid', message: 'The file has no "email" column' });
    const warnings: string[] = [];
    const unknown = header.filter((h) => !COLUMNS.includes(h));
    if (unknown.length > 0) warnings.push(`Ignored column(s): ${unknown.join(', ')}`);
    const rows: BulkRowView[] = [];
    const seen = new Map<string, number>();
    lines.slice(1).forEach((raw, i) => {
      if (raw.trim() === '') return;
      const cells = parseLine(raw);
      const get = (col: string) => {
        const at = header.indexOf(col);
        const v = at >= 0 ? (cells[at] ?? '') : '';
        return v === '' ? null : v;
      };
      const row: BulkRowView = {
        row: rows.length + 1,
        line: i + 2,
        email: get('email') ?? '',
        name: get('name'),
        reference: get('reference'),
        user_id: get('user_id'),
        state: 'pending',
        detail: null,
        flow_id: null,
        link: null,
      };
      let reason: string | null = null;
      if (row.email === '') reason = 'No email address';
      else if (!EMAIL.test(row.email)) reason = `"${row.email}" is not an email address`;
      else if (row.user_id !== null && !UUID.test(row.user_id)) reason = `User id "${row.user_id}" is not a UUID`;
      if (reason) {
        row.state = 'invalid';
        row.detail = reason;
      } else {
        const first = seen.get(row.email.toLowerCase());
        if (first !== undefined) warnings.push(`Row ${row.row}: ${row.email} is also on row ${first}`);
        else seen.set(row.email.toLowerCase(), row.row);
      }
      rows.push(row);
    });
    const invalid = rows.filter((r) => r.state === 'invalid').length;
    return { rows, valid: rows.length - invalid, invalid, warnings };
  }

  progress(rows: BulkRowView[]): BulkProgress {
    const count = (s: string) => rows.filter((r) => r.state === s).length;
    const invalid = count('invalid');
    return {
      total: rows.length - invalid,
      created: count('created'),
      failed: count('failed'),
      unknown: count('unknown'),
      remaining: count('pending') + count('sending'),
      invalid,
    };
  }

  batch(id: string): FakeBatch {
    const b = this.batches.get(id);
    if (!b) throw new Rejection({ kind: 'not_found', message: `No batch ${id}` });
    return b;
  }

  /** The batch's view now (what bulk-progress carries). */
  view(id: string): BatchView {
    const b = this.batch(id);
    b.view.progress = this.progress(b.rows);
    if (b.view.progress.remaining === 0) {
      b.view.running = false;
      b.view.finished = true;
    }
    return structuredClone(b.view);
  }

  /** A row of a batch finishes (as the scheduler would); returns the event payload to emit. */
  finish(id: string, row: number, state: 'created' | 'failed' | 'unknown', detail: string | null = null): BatchView {
    const r = this.batch(id).rows.find((x) => x.row === row)!;
    r.state = state;
    r.detail = detail;
    if (state === 'created') {
      r.flow_id = randomUUID();
      r.link = `http://127.0.0.1:4010/flow/${r.flow_id}`;
    }
    return this.view(id);
  }

  /** A batch as if left on disk by an earlier run (e.g. the app quit mid-way). */
  seed(rows: BulkRowView[], opts: { environmentId?: string; startedAt?: string; running?: boolean } = {}): string {
    const id = randomUUID();
    const template: BulkTemplate = { steps: [{ name: 'compliance' }], require_auth: null, hide_go_to_dashboard_on_complete: null };
    this.batches.set(id, {
      rows: structuredClone(rows),
      template,
      concurrency: 4,
      view: {
        batch_id: id,
        environment_id: opts.environmentId ?? 'local',
        started_at: opts.startedAt ?? new Date().toISOString(),
        progress: this.progress(rows),
        running: opts.running ?? false,
        finished: false,
        stopped_by: null,
      },
    });
    this.view(id);
    return id;
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case 'bulk_preview':
        return this.parse(args.bytes as number[]);
      case 'bulk_start': {
        const env = this.backend.env(args.environmentId as string);
        const preview = this.parse(args.bytes as number[]);
        if (preview.valid === 0) throw new Rejection({ kind: 'invalid', message: 'The file has no valid row' });
        this.backend.confirmInNativeDialog('flow.batch', env, `Create ${preview.valid} flows`);
        const id = randomUUID();
        this.batches.set(id, {
          rows: preview.rows,
          template: args.template as BulkTemplate,
          concurrency: args.concurrency as number,
          view: {
            batch_id: id,
            environment_id: env.id,
            started_at: new Date().toISOString(),
            progress: this.progress(preview.rows),
            running: true,
            finished: false,
            stopped_by: null,
          },
        });
        return this.view(id);
      }
      case 'bulk_cancel': {
        const b = this.batch(args.batchId as string);
        b.view.running = false;
        for (const r of b.rows) if (r.state === 'sending') r.state = 'pending';
        return null;
      }
      case 'bulk_resume': {
        const b = this.batch(args.batchId as string);
        if (!b.view.finished) b.view.running = true;
        return this.view(b.view.batch_id);
      }
      case 'bulk_batches':
        return [...this.batches.keys()]
          .map((id) => this.view(id))
          .sort((a, b) => Number(a.finished) - Number(b.finished) || b.started_at.localeCompare(a.started_at));
      case 'bulk_rows':
        return structuredClone(this.batch(args.batchId as string).rows);
      case 'bulk_results_csv': {
        const rows = this.batch(args.batchId as string).rows;
        const head = 'row,email,name,reference,state,detail,flow_id,link';
        return csvText(head, rows.map((r) => [String(r.row), r.email, r.name, r.reference, r.state, r.detail, r.flow_id, r.link]));
      }
      case 'bulk_mail_merge_csv': {
        const rows = this.batch(args.batchId as string).rows.filter((r) => r.link);
        return csvText('email,name,reference,link', rows.map((r) => [r.email, r.name, r.reference, r.link]));
      }
      default:
        throw new Rejection({ kind: 'internal', message: `unknown command ${cmd}` });
    }
  }
}

/**
 * The FakeBulk answering `backend`'s bulk_* commands: the one the backend holds when it
 * routes bulk_* itself (`backend.bulk`), or else a new one wired in with backend.on().
 */
export function bulkOf(backend: FakeBackend): FakeBulk {
  return attachedFake(backend, 'bulk', FakeBulk, BULK_COMMANDS);
}
