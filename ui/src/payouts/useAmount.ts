// Dollars as typed, read by the core the way it reads them when it sends money: the forms
// show its answer (the cents, or why the text is not an amount) and parse nothing themselves.
import { useQuery } from '../desk/useQuery';
import { moneyIpc } from './moneyIpc';

export type Amount = { cents: number | null; error: string | null; pending: boolean };

/** The core's reading of `text`: pending (nothing known) until it has answered for this text. */
export function useAmount(text: string): Amount {
  const read = useQuery(() => moneyIpc.amountPreview(text).then((answer) => ({ ...answer, text })), [text]);
  if (read.data?.text !== text) return { cents: null, error: null, pending: true };
  return { cents: read.data.cents, error: read.data.error, pending: false };
}
