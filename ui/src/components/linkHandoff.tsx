// What the flow card and the payout link card share to hand a link off to a person:
// the link opened in the system browser, its QR code, the email draft, and the
// watch events that keep the card's status current.
import { useEffect, useRef, type MouseEvent } from 'react';
import type { EmailDraft } from '../bindings/EmailDraft';
import { useQuery } from '../desk/useQuery';
import { ipc, toAppError, type AppError } from '../ipc';

type Props = { link: string; testId: string; onError: (error: AppError) => void };

/** The link itself; a click never navigates the app window: the system browser opens it. */
export function LinkAnchor({ link, testId, onError }: Props) {
  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    ipc.openLink(link).catch((err: unknown) => onError(toAppError(err)));
  };
  return (
    <div className="flow-link-row">
      <a href={link} onClick={open} onAuxClick={open} rel="noreferrer" data-testid={testId}>
        {link}
      </a>
    </div>
  );
}

/** The link drawn as a QR code (a data: URL of the SVG), or why it could not be. */
export function useLinkQr(link: string): { qr: string | null; qrError: AppError | null } {
  const svg = useQuery(() => ipc.linkQr(link), [link]);
  const qr = svg.data === null ? null : `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.data)}`;
  return { qr, qrError: svg.error };
}

/** Opens the settings' email template, filled for this link, in the person's mail app. */
export function emailLink(draft: EmailDraft): Promise<void> {
  return ipc.emailOpen(draft).then(() => undefined);
}

type Watch<E extends { id: string }> = {
  /** The flow (or payout link) id the events are about. */
  id: string;
  environmentId: string;
  /** False when it is already final: listen only, ask for no watching. */
  wanted: boolean;
  /** Subscribes to the events (flow-watch or payout-link-watch). */
  listen: (handler: (event: E) => void) => Promise<() => void>;
  /** Asks the backend to watch; called once listening, so no event is missed. */
  start: () => Promise<void>;
  onEvent: (event: E) => void;
  onError: (error: AppError) => void;
};

/** Listens to the watch events of one id while mounted, and stops the watching after. */
export function useWatchEvents<E extends { id: string }>({ id, environmentId, wanted, listen, start, onEvent, onError }: Watch<E>) {
  // The latest handlers, without re-subscribing on every render.
  const latest = useRef({ listen, start, onEvent, onError });
  latest.current = { listen, start, onEvent, onError };

  useEffect(() => {
    let alive = true;
    let unlisten: (() => void) | null = null;
    latest.current
      .listen((ev) => {
        if (alive && ev.id === id) latest.current.onEvent(ev);
      })
      .then((un) => {
        if (!alive) {
          un();
          return;
        }
        unlisten = un;
        if (wanted) return latest.current.start();
      })
      .catch((e: unknown) => {
        if (alive) latest.current.onError(toAppError(e));
      });
    return () => {
      alive = false;
      unlisten?.();
      ipc.unwatchFlow(id).catch(() => {});
    };
  }, [id, environmentId, wanted]);
}
