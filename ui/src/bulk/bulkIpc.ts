// The bulk commands (and templates_list), typed, every failure as an AppError like ui/src/ipc.ts.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { Template } from '../bindings/Template';
import { call } from '../desk/call';
import type { BatchView, BulkTemplate } from './types';

export const bulkIpc = {
  templates: () => call('templates_list'),
  /** The CSV file's raw bytes: the backend reports a non-UTF-8 file rather than guessing. */
  preview: (bytes: number[]) => call('bulk_preview', { bytes }),
  /** In Production the app itself asks the person (a native dialog), as for create_flow. */
  start: (bytes: number[], template: BulkTemplate, environmentId: string, concurrency: number) =>
    call('bulk_start', { bytes, template, environmentId, concurrency }),
  cancel: (batchId: string) => call('bulk_cancel', { batchId }),
  resume: (batchId: string) => call('bulk_resume', { batchId }),
  /** Every batch on disk, unfinished ones first. */
  batches: () => call('bulk_batches'),
  rows: (batchId: string) => call('bulk_rows', { batchId }),
  resultsCsv: (batchId: string) => call('bulk_results_csv', { batchId }),
  mailMergeCsv: (batchId: string) => call('bulk_mail_merge_csv', { batchId }),
  /** Emitted as rows finish, and once at the end with running=false. */
  onProgress: (handler: (batch: BatchView) => void): Promise<UnlistenFn> =>
    listen<BatchView>('bulk-progress', (e) => handler(e.payload)),
};

/** What a saved template sends: its steps and flags (the reference comes from each row). */
export function bulkTemplateOf(t: Template): BulkTemplate {
  return {
    steps: t.steps,
    require_auth: t.require_auth ?? null,
    hide_go_to_dashboard_on_complete: t.hide_go_to_dashboard_on_complete ?? null,
  };
}
