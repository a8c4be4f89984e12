// How a batch and a row read in words (the states are the core's).
import type { BatchView, BulkRowState } from './types';

export const STATE_LABEL: Record<BulkRowState, string> = {
  invalid: 'Invalid',
  pending: 'Pending',
  sending: 'Sending…',
  created: 'Created',
  failed: 'Failed',
  unknown: 'Unknown',
};

export function batchStatus(b: BatchView): string {
  if (b.running) return 'Running';
  if (b.finished) return 'Finished';
  return 'Stopped — can be resumed';
}

/** A CSV to start from: the columns the core reads, two made-up people. */
export const SAMPLE_CSV = 'email,name,reference\nada@example.com,Ada Lovelace,case-1001\ngrace@example.com,Grace Hopper,case-1002\n';
