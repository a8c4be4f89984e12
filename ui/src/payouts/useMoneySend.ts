// The two-step money confirmation as state: review (money_summary, nothing sent) →
// the person confirms (Production: types the amount again) → money_send → the outcome.
// An earlier unsettled payment for the same recipient stops it: retry that one (same
// key), or make a new payment anyway after a second explicit confirmation.
import { useCallback, useRef, useState } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { Intent } from '../bindings/Intent';
import type { MoneyRequest } from '../bindings/MoneyRequest';
import type { Outcome } from '../bindings/Outcome';
import type { Summary } from '../bindings/Summary';
import { toAppError, type AppError } from '../ipc';
import { moneyIpc } from './moneyIpc';

export type Unresolved = { request: MoneyRequest; message: string; intent: Intent | null };

export type MoneySend = {
  env: EnvironmentView | null;
  busy: string | null;
  /** Step one answered: the dialog states it and waits for Confirm. */
  pending: { request: MoneyRequest; summary: Summary } | null;
  unresolved: Unresolved | null;
  /** "New payment anyway" asks once more before sending. */
  replacingAsked: boolean;
  error: { context: string; error: AppError } | null;
  outcome: Outcome | null;
  /** The environment the outcome's payment was made in. */
  outcomeEnvId: string | null;
  review: (request: MoneyRequest) => void;
  confirm: (typedAmount?: string) => void;
  cancel: () => void;
  retry: (intentId: string) => void;
  askReplacing: () => void;
  confirmReplacing: (typedAmount?: string) => void;
  reset: () => void;
};

/** The unsettled intent the backend means: same environment and recipient, else the id in its message. */
/** The intent the core named in the error's details (never guessed from its text). */
async function findUnresolved(intentId: string | undefined): Promise<Intent | null> {
  if (!intentId) return null;
  const intents = await moneyIpc.intents().catch(() => [] as Intent[]);
  return intents.find((i) => i.id === intentId) ?? null;
}

export function useMoneySend(env: EnvironmentView | null, onSettled?: (o: Outcome) => void): MoneySend {
  const [busy, setBusy] = useState<string | null>(null);
  const [pending, setPending] = useState<MoneySend['pending']>(null);
  const [unresolved, setUnresolved] = useState<Unresolved | null>(null);
  const [replacingAsked, setReplacingAsked] = useState(false);
  const [error, setError] = useState<MoneySend['error']>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [outcomeEnvId, setOutcomeEnvId] = useState<string | null>(null);
  const settled = useRef(onSettled);
  settled.current = onSettled;

  const fail = useCallback(
    (context: string, request: MoneyRequest) => (e: unknown) => {
      const err = toAppError(e);
      if (err.kind === 'unresolved_intent') {
        void findUnresolved(err.details?.intent_id).then((intent) => setUnresolved({ request, message: err.message, intent }));
        return;
      }
      setError({ context, error: err });
    },
    [],
  );

  const show = useCallback((o: Outcome, envId: string | null) => {
    setOutcome(o);
    setOutcomeEnvId(envId);
    settled.current?.(o);
  }, []);

  const reset = useCallback(() => {
    setPending(null);
    setUnresolved(null);
    setReplacingAsked(false);
    setError(null);
    setOutcome(null);
  }, []);

  const review = useCallback(
    (request: MoneyRequest) => {
      if (!env) return;
      reset();
      setBusy('Checking…');
      const envId = env.id;
      moneyIpc
        .summary(envId, request)
        .then((summary) => setPending({ request, summary }), fail('Review', request))
        .finally(() => setBusy(null));
    },
    [env, fail, reset],
  );

  const send = useCallback(
    (request: MoneyRequest, typedAmount?: string, replacing?: string) => {
      if (!env) return;
      const envId = env.id;
      setBusy('Sending…');
      setError(null);
      moneyIpc
        .send(envId, request, typedAmount, replacing)
        .then((o) => {
          setUnresolved(null);
          show(o, envId);
        }, fail('Send', request))
        .finally(() => setBusy(null));
    },
    [env, fail, show],
  );

  const confirm = useCallback(
    (typedAmount?: string) => {
      if (!pending) return;
      const { request, summary } = pending;
      setPending(null);
      send(request, summary.requires_typed_amount ? typedAmount : undefined);
    },
    [pending, send],
  );

  const retry = useCallback(
    (intentId: string) => {
      setBusy('Retrying…');
      setError(null);
      moneyIpc
        .retry(intentId)
        .then(
          (o) => {
            setUnresolved(null);
            show(o, env?.id ?? null);
          },
          (e: unknown) => setError({ context: 'Retry', error: toAppError(e) }),
        )
        .finally(() => setBusy(null));
    },
    [env, show],
  );

  const confirmReplacing = useCallback(
    (typedAmount?: string) => {
      if (!unresolved?.intent) return;
      setReplacingAsked(false);
      send(unresolved.request, env?.is_production ? typedAmount : undefined, unresolved.intent.id);
    },
    [unresolved, env, send],
  );

  return {
    env,
    busy,
    pending,
    unresolved,
    replacingAsked,
    error,
    outcome,
    outcomeEnvId,
    review,
    confirm,
    cancel: () => {
      setPending(null);
      setReplacingAsked(false);
    },
    retry,
    askReplacing: () => setReplacingAsked(true),
    confirmReplacing,
    reset,
  };
}
