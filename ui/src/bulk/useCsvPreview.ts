// The CSV file chosen, and the core's reading of it (bulk_preview): only the latest
// choice counts, even if an older file's preview answers later.
import { useRef, useState, type ChangeEvent } from 'react';
import { bulkIpc } from './bulkIpc';
import type { BulkPreview } from './types';

export type Chosen = { name: string; bytes: number[] };

export function useCsvPreview(fail: (context: string) => (e: unknown) => void, onChoose: (picked: boolean) => void) {
  const [file, setFile] = useState<Chosen | null>(null);
  const [preview, setPreview] = useState<BulkPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const seqRef = useRef(0);

  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const picked = e.target.files?.[0];
    onChoose(picked !== undefined);
    setPreview(null);
    if (!picked) {
      setFile(null);
      return;
    }
    const seq = ++seqRef.current;
    setPreviewing(true);
    picked
      .arrayBuffer()
      .then((buf) => {
        const bytes = Array.from(new Uint8Array(buf));
        if (seq === seqRef.current) setFile({ name: picked.name, bytes });
        return bulkIpc.preview(bytes);
      })
      .then(
        (p) => {
          if (seq === seqRef.current) setPreview(p);
        },
        (err: unknown) => {
          if (seq === seqRef.current) fail('Preview')(err);
        },
      )
      .finally(() => {
        if (seq === seqRef.current) setPreviewing(false);
      });
  };

  return { file, preview, previewing, choose };
}
