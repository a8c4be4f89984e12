import type { CursorPages } from './useCursorPages';

/** ‹ Previous · Page n · Next › for a cursor-paged list; "users" as idPrefix gives users-prev, users-page, users-next. */
export function Pager({ pages, idPrefix }: { pages: CursorPages; idPrefix: string }) {
  return (
    <>
      <button type="button" className="small" disabled={!pages.canPrevious} onClick={pages.previous} data-testid={`${idPrefix}-prev`}>
        ‹ Previous
      </button>
      <span className="hint" data-testid={`${idPrefix}-page`}>
        Page {pages.pageNo}
      </span>
      <button type="button" className="small" disabled={!pages.canNext} onClick={pages.next} data-testid={`${idPrefix}-next`}>
        Next ›
      </button>
    </>
  );
}
