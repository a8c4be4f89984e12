// The bulk-links types: the Rust side's generated bindings, plus the row states the
// backend documents (BulkRowView.state is a plain string in the bindings).
export type { BatchView } from '../bindings/BatchView';
export type { BulkPreview } from '../bindings/BulkPreview';
export type { BulkProgress } from '../bindings/BulkProgress';
export type { BulkRowView } from '../bindings/BulkRowView';
export type { BulkTemplate } from '../bindings/BulkTemplate';

export type BulkRowState = 'invalid' | 'pending' | 'sending' | 'created' | 'failed' | 'unknown';
