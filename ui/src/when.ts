/** An ISO time in the person's locale; text that is not a time is shown as it came, nothing as "—". */
export function when(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
