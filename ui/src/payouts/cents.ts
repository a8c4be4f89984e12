// Money on screen: integer cents in, "$1,234.05" out. Integer and string math only: no
// float ever rounds a display. Typed dollars are read by the core (useAmount).

/** "$1,234.05" (or "−$3.10") from integer cents. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) return `${String(cents)} cents`;
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const dollars = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const rest = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}$${dollars}.${rest}`;
}

/** A limit in cents, or "no limit". */
export function formatLimit(cents: number | null): string {
  return cents === null ? 'no limit' : formatCents(cents);
}
