// Money on screen: integer cents in, "$1,234.05" out, and dollars typed by a person back
// to integer cents. Integer and string math only: no float ever rounds a display.

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

export type ParsedDollars = { cents: number; error: null } | { cents: null; error: string };

/**
 * Dollars as typed ("12", "12.5", "$1,234.56") to integer cents, with string math.
 * More than two decimals, signs, letters and empty text are refused with a reason.
 */
export function parseDollars(text: string): ParsedDollars {
  const t = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (t === '') return { cents: null, error: 'Enter an amount in dollars, like 25.00.' };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) {
    return { cents: null, error: `"${text.trim()}" is not an amount in dollars (like 25.00).` };
  }
  const whole = m[1] === '' ? '0' : m[1]!;
  const frac = m[2] ?? '';
  if (frac.length > 2) return { cents: null, error: `"${text.trim()}" has more than two decimals: cents are the smallest unit.` };
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return { cents: null, error: `"${text.trim()}" is too large.` };
  return { cents, error: null };
}
