import { useCallback, useState } from 'react';
import type { Page } from '../bindings/Page';
import { useQuery } from '../desk/useQuery';
import type { AppError } from '../ipc';

/** The cursor fields every Dots list takes (ListParams, UserFilter, …). */
type Cursor = { starting_after?: string; ending_before?: string };

/** What a Pager needs to show and move. */
export type CursorPages = { pageNo: number; canPrevious: boolean; canNext: boolean; previous: () => void; next: () => void };

/**
 * One Dots list read page by page with cursors: the page on screen, loading and error,
 * and Previous/Next that move the cursor. `restart(base)` goes back to page 1 with new filters.
 * The list is read again when `source` (the environment) or the cursor changes.
 * `idOf` names the Dots object an item is (its id is the cursor).
 */
export function useCursorPages<T, P extends Cursor>(
  source: string,
  initial: P,
  read: (source: string, params: P) => Promise<Page<T>>,
  idOf: (item: T) => string,
) {
  const [base, setBase] = useState<P>(initial);
  const [params, setParams] = useState<P>(initial);
  const [pageNo, setPageNo] = useState(1);
  // useQuery keeps the latest reader: only the environment or the cursor read again.
  const pageRead = useQuery(() => read(source, params), [source, params]);
  const { data: page, loading, error } = pageRead;

  const restart = useCallback((next: P) => {
    setBase(next);
    setParams(next);
    setPageNo(1);
  }, []);

  const firstItem = page?.data[0];
  const lastItem = page?.data[page.data.length - 1];
  const first = firstItem === undefined ? undefined : idOf(firstItem);
  const last = lastItem === undefined ? undefined : idOf(lastItem);
  // Going back: Dots says has_more about the direction asked; page 1 has no previous.
  const hasNext = params.ending_before ? true : (page?.has_more ?? false);

  const pages: CursorPages & { page: Page<T> | null; loading: boolean; error: AppError | null; restart: (base: P) => void } = {
    page,
    loading,
    error,
    pageNo,
    restart,
    canPrevious: pageNo > 1 && !loading && !!first,
    canNext: hasNext && !loading && !!last,
    previous: () => {
      setPageNo((n) => n - 1);
      setParams({ ...base, ending_before: first });
    },
    next: () => {
      setPageNo((n) => n + 1);
      setParams({ ...base, starting_after: last });
    },
  };
  return pages;
}
