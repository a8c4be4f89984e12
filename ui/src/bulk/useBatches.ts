// The batches on disk and the one on screen: its rows read again as bulk-progress
// events come (one read at a time), and the batch actions (show, cancel, resume).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery } from '../desk/useQuery';
import { bulkIpc } from './bulkIpc';
import type { BatchView, BulkRowView } from './types';

export function useBatches(fail: (context: string) => (e: unknown) => void) {
  const list = useQuery(() => bulkIpc.batches(), []);
  const batches = list.data;
  const setBatches = list.setData;
  const [batch, setBatch] = useState<BatchView | null>(null);
  const [rows, setRows] = useState<BulkRowView[]>([]);
  // The batch on screen, for the event handler; the steps each batch was started with (for email).
  const batchId = useRef<string | null>(null);
  batchId.current = batch?.batch_id ?? null;
  const batchSteps = useRef(new Map<string, string[]>());
  // One bulk_rows at a time: events that come meanwhile ask for one more read after it.
  const rowsRead = useRef<{ id: string; again: boolean } | null>(null);

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

  // Progress: the batch on screen takes the event's view and its rows are read again.
  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let alive = true;
    bulkIpc
      .onProgress((view) => {
        setBatches((all) => {
          if (!all) return all;
          return all.some((b) => b.batch_id === view.batch_id)
            ? all.map((b) => (b.batch_id === view.batch_id ? view : b))
            : [view, ...all];
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
  }, [loadRows, fail, setBatches]);

  const show = useCallback(
    (view: BatchView) => {
      batchId.current = view.batch_id;
      setBatch(view);
      setRows([]);
      loadRows(view.batch_id);
    },
    [loadRows],
  );

  /** A new file leaves the batch on screen (it goes on in the list of batches). */
  const hide = () => {
    setBatch(null);
    setRows([]);
  };

  const started = (view: BatchView, steps: string[]) => {
    batchSteps.current.set(view.batch_id, steps);
    show(view);
    list.reload();
  };

  const cancel = () => {
    if (!batch) return;
    const id = batch.batch_id;
    bulkIpc
      .cancel(id)
      .then(() => bulkIpc.batches())
      .then((all) => {
        setBatches(all);
        const now = all.find((b) => b.batch_id === id);
        if (now && batchId.current === id) setBatch(now);
        loadRows(id);
      }, fail('Cancel'));
  };

  const resume = (id: string) => {
    bulkIpc.resume(id).then((view) => {
      show(view);
      list.reload();
    }, fail('Resume'));
  };

  const stepsOf = (id: string) => batchSteps.current.get(id) ?? [];
  const running = batches?.some((b) => b.running) ?? false;
  return { batches, listError: list.error, batch, rows, running, show, hide, started, cancel, resume, stepsOf };
}
