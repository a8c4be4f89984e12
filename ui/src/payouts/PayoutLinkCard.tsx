import { useState } from 'react';
import type { PayoutLinkView } from '../bindings/PayoutLinkView';
import { ErrorNote } from '../components/ErrorNote';
import { LinkAnchor, emailLink, useLinkQr, useWatchEvents } from '../components/linkHandoff';
import { ipc, toAppError, type AppError } from '../ipc';
import { AskDialog } from './AskDialog';
import { formatCents } from './cents';
import { moneyIpc } from './moneyIpc';
import { useNotify } from '../desk/notify';

type Props = { initial: PayoutLinkView; environmentId: string };

/** A payout link handed off like a flow link (open, copy, QR, email), its status watched.
 * Whether its status is final (`done`) is the core's to say. */
export function PayoutLinkCard({ initial, environmentId }: Props) {
  const notify = useNotify();
  const [link, setLink] = useState(initial);
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [lastChecked, setLastChecked] = useState<string | null>(null);
  const [watchNote, setWatchNote] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = link.id;

  useWatchEvents({
    id,
    environmentId,
    wanted: !initial.done,
    listen: moneyIpc.onLinkWatch,
    start: () => moneyIpc.linkWatch(environmentId, id),
    onError: (e) => setError({ context: 'Watch', error: e }),
    onEvent: (ev) => {
      setLastChecked(ev.checked_at);
      if (ev.type === 'updated' || ev.type === 'done') {
        setLink(ev.link);
        setWatchNote(null);
      } else if (ev.type === 'failed') setWatchNote(`Check failed (${ev.kind}): ${ev.message}`);
      else setWatchNote(`Stopped watching${ev.kind ? ` (${ev.kind})` : ''}: ${ev.message}`);
    },
  });

  // No QR code is shown when it cannot be drawn: the link and its buttons still work.
  const { qr } = useLinkQr(link.link);
  const copy = () =>
    ipc.copyText(link.link).then(
      () => notify('Link copied'),
      (e: unknown) => setError({ context: 'Copy', error: toAppError(e) }),
    );
  const email = () => {
    setError(null);
    emailLink({ link: link.link, steps: ['payout'], ...(link.payee?.email ? { to: link.payee.email } : {}) }).then(
      () => notify('Email opened in your mail app'),
      (e: unknown) => setError({ context: 'Email', error: toAppError(e) }),
    );
  };
  const run = (context: string, p: Promise<PayoutLinkView>, done: string) => {
    setBusy(true);
    setError(null);
    p.then(
      (l) => {
        setLink(l);
        notify(done);
      },
      (e: unknown) => setError({ context, error: toAppError(e) }),
    ).finally(() => setBusy(false));
  };
  const cancel = () => {
    setAsking(false);
    run('Cancel link', moneyIpc.linkCancel(environmentId, id), 'Payout link canceled');
  };
  const redeliver = () => {
    setBusy(true);
    setError(null);
    moneyIpc
      .linkRedeliver(environmentId, id)
      .then(
        (r) => {
          setLink(r.payout_link);
          notify(r.redelivered ? 'Payout link delivered again' : 'Dots did not deliver the link again', !r.redelivered);
        },
        (e: unknown) => setError({ context: 'Redeliver', error: toAppError(e) }),
      )
      .finally(() => setBusy(false));
  };

  const final = link.done;
  return (
    <section className="flow-card payout-link-card" aria-labelledby={`payout-link-${id}-title`} data-testid="payout-link-card" data-link-id={id}>
      <div className="flow-card-head">
        <h2 id={`payout-link-${id}-title`}>Payout link · {formatCents(link.amount)}</h2>
        <span className={final ? 'pill pill--ok' : 'pill'} data-testid="payout-link-status">
          {link.status}
        </span>
      </div>
      <div className="flow-card-body">
        <div className="flow-card-main">
          <LinkAnchor link={link.link} testId="payout-link" onError={(e) => setError({ context: 'Open link', error: e })} />
          <div className="flow-actions">
            <button type="button" className="small" onClick={copy} data-testid="payout-link-copy">
              Copy link
            </button>
            <button type="button" className="small" onClick={email} data-testid="payout-link-email">
              Email link
            </button>
            <button type="button" className="small" disabled={busy || final} onClick={redeliver} data-testid="payout-link-redeliver">
              Redeliver
            </button>
            <button type="button" className="small" disabled={busy || final} onClick={() => setAsking(true)} data-testid="payout-link-cancel">
              Cancel link…
            </button>
          </div>
          <dl className="flow-facts">
            <dt>Link id</dt>
            <dd>
              <code data-testid="payout-link-id">{id}</code>
            </dd>
            {link.claimed_user_id ? (
              <>
                <dt>Claimed by</dt>
                <dd data-testid="payout-link-claimed">{link.claimed_user_id}</dd>
              </>
            ) : null}
          </dl>
          <p className="hint" data-testid="payout-link-last-checked">
            {watchNote ?? (lastChecked ? `last checked ${new Date(lastChecked).toLocaleTimeString()}` : final ? 'Final status.' : 'Watching the status…')}
          </p>
        </div>
        <div className="flow-qr">
          {qr ? <img src={qr} alt="QR code of the payout link" width={132} height={132} data-testid="payout-link-qr" /> : null}
        </div>
      </div>
      {error ? <ErrorNote error={error.error} context={error.context} /> : null}
      {asking ? (
        <AskDialog
          question={`Cancel the payout link of ${formatCents(link.amount)}?`}
          body="The person can no longer claim the money with it. This cannot be undone."
          confirmLabel="Cancel the link"
          testId="payout-link-cancel-ask"
          onConfirm={cancel}
          onCancel={() => setAsking(false)}
        />
      ) : null}
    </section>
  );
}
