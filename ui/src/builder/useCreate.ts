// The builder's live check and create: why Create is blocked right now (in words, from
// the core's violations), and the create itself, in the active environment.
import { useCallback, useMemo, useState } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { FlowRequest } from '../bindings/FlowRequest';
import type { RuleViolation } from '../bindings/RuleViolation';
import type { StepName } from '../bindings/StepName';
import { metadataOf, toRequest, type Draft } from '../draft';
import { ipc, toAppError, type AppError } from '../ipc';
import { useLiveCheck } from '../useLiveCheck';
import { dialogOpen } from '../desk/dialogs';
import type { Created } from './useDraft';

type Inputs = {
  draft: Draft;
  ready: boolean;
  env: EnvironmentView | null;
  /** Why no environment can be used now (loading, switching, unreadable), or null. */
  envBlocked: string | null;
  onCreated: (created: Created) => void;
  /** The backend may know better (the environment changed under us): read it again. */
  onStale: () => void;
};

export function useCreate({ draft, ready, env, envBlocked, onCreated, onStale }: Inputs) {
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<AppError | null>(null);
  const request = useMemo(() => toRequest(draft), [draft]);
  const metadataError = useMemo(() => metadataOf(draft).error, [draft]);
  const check = useLiveCheck(request, ready);

  // Violations from the last reply, placed by the step name they were about (so they
  // stay on the right step while a newer check is on its way).
  const { stepViolations, flowViolations } = useMemo(() => {
    const perStep = new Map<StepName, RuleViolation[]>();
    const flowLevel: RuleViolation[] = [];
    for (const v of check.result?.violations ?? []) {
      const name = v.step === null ? undefined : check.result?.request.steps[v.step]?.name;
      if (name === undefined) flowLevel.push(v);
      else perStep.set(name, [...(perStep.get(name) ?? []), v]);
    }
    return { stepViolations: perStep, flowViolations: flowLevel };
  }, [check.result]);

  const count = check.result?.violations.length ?? 0;
  let blocked: string | null = null;
  if (!ready) blocked = 'Loading the step catalog…';
  else if (envBlocked) blocked = envBlocked;
  else if (creating) blocked = 'Creating the flow…';
  else if (metadataError) blocked = metadataError;
  else if (check.error) blocked = 'The flow could not be checked.';
  else if (!check.current || !check.result) blocked = 'Checking the flow…';
  else if (count > 0) {
    const first = check.result.violations[0]?.message ?? '';
    blocked = count === 1 ? first : `${first} (and ${count - 1} more)`;
  }

  const send = useCallback(
    (req: FlowRequest, target: EnvironmentView) => {
      setCreating(true);
      setCreateError(null);
      ipc
        .createFlow(req, target.id)
        .then(
          (view) => onCreated({ view, envName: target.name }),
          (e: unknown) => {
            const error = toAppError(e);
            setCreateError(error);
            if (error.kind === 'confirmation_required') onStale();
          },
        )
        .finally(() => setCreating(false));
    },
    [onCreated, onStale],
  );

  // In Production the app itself asks in a native dialog (the core's rule, not the page's);
  // a "no" comes back as a confirmation_required error, shown like any other.
  const create = useCallback(() => {
    if (blocked !== null || !check.result || !env || dialogOpen()) return;
    send(check.result.request, env);
  }, [blocked, check.result, env, send]);

  // An onboarding-only flow: no steps and no user id; the reference, metadata and the
  // dashboard option of the draft still go. The core checks it like any other.
  const onboarding = useMemo(() => toRequest({ ...draft, steps: [], userId: '', requireAuth: null }), [draft]);
  const onboardingBlocked = !ready ? blocked : (envBlocked ?? (creating ? 'Creating the flow…' : metadataError));
  const sendOnboarding = useCallback(() => {
    if (onboardingBlocked || !env) return;
    send(onboarding, env);
  }, [onboardingBlocked, env, onboarding, send]);

  return { request, check, blocked, creating, createError, stepViolations, flowViolations, create, sendOnboarding, onboardingBlocked };
}

