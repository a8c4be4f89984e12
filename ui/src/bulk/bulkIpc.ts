// The bulk commands (and templates_list), typed, every failure as an AppError like ui/src/ipc.ts.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { Template } from '../bindings/Template';
import { toAppError } from '../ipc';
import type { BatchView, BulkPreview, BulkRowView, BulkTemplate } from './types';

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

export const bulkIpc = {
  templates: () => call<Template[]>('templates_list'),
  /** The CSV file's raw bytes: the backend reports a non-UTF-8 file rather than guessing. */
  preview: (bytes: number[]) => call<BulkPreview>('bulk_preview', { bytes }),
  /** In Production the app itself asks the person (a native dialog), as for create_flow. */
  start: (bytes: number[], template: BulkTemplate, environmentId: string, concurrency: number) =>
    call<BatchView>('bulk_start', { bytes, template, environmentId, concurrency }),
  cancel: (batchId: string) => call<boolean>('bulk_cancel', { batchId }),
  resume: (batchId: string) => call<BatchView>('bulk_resume', { batchId }),
  /** Every batch on disk, unfinished ones first. */
  batches: () => call<BatchView[]>('bulk_batches'),
  rows: (batchId: string) => call<BulkRowView[]>('bulk_rows', { batchId }),
  resultsCsv: (batchId: string) => call<string>('bulk_results_csv', { batchId }),
  mailMergeCsv: (batchId: string) => call<string>('bulk_mail_merge_csv', { batchId }),
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
