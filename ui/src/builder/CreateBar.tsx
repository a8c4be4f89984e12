// Create, and why not yet (the core's words); beside it, the onboarding-only link.
import type { EnvironmentView } from '../bindings/EnvironmentView';

export const CREATE_KEYS = /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘ Enter' : 'Ctrl+Enter';

type Props = {
  env: EnvironmentView | null;
  blocked: string | null;
  creating: boolean;
  onCreate: () => void;
  onboardingBlocked: string | null;
  onOnboarding: () => void;
};

export function CreateBar({ env, blocked, creating, onCreate, onboardingBlocked, onOnboarding }: Props) {
  const production = env?.is_production ?? false;
  return (
    <div className="create-bar">
      <button
        type="button"
        className={production ? 'primary primary--danger' : 'primary'}
        disabled={blocked !== null}
        onClick={onCreate}
        aria-describedby="create-reason"
        data-testid="create-flow"
      >
        {creating ? 'Creating…' : production && env ? `Create flow in ${env.name}` : 'Create flow'}
      </button>
      <span id="create-reason" className="create-reason" data-testid="create-reason">
        {blocked ??
          (production ? `Ready — production: you will be asked to confirm (${CREATE_KEYS})` : `Ready (${CREATE_KEYS})`)}
      </span>
      <button
        type="button"
        className="secondary create-onboarding"
        disabled={onboardingBlocked !== null}
        onClick={onOnboarding}
        title={onboardingBlocked ?? 'A link that only signs the person up: no steps, no user id'}
        data-testid="send-onboarding"
      >
        Send an onboarding link
      </button>
    </div>
  );
}
