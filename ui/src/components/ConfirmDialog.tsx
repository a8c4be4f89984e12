import { useRef } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import { ModalDialog } from './ModalDialog';

type Props = {
  env: EnvironmentView;
  /** What would be created: "this flow" (the builder), "12 flows" (a bulk batch). */
  what?: string;
  /** Keeps each caller's test ids apart: "" for the builder, "bulk-" for a batch. */
  idPrefix?: string;
  onConfirm: () => void;
  onCancel: () => void;
};

/** "Create this flow in Production (api.dots.dev)?": asked before every create in a production environment. */
export function ConfirmDialog({ env, what = 'this flow', idPrefix = '', onConfirm, onCancel }: Props) {
  // The safe answer has the focus: Enter alone never creates in Production.
  const cancelRef = useRef<HTMLButtonElement>(null);

  const where = env.host ? `${env.name} (${env.host})` : env.name;
  const why = env.production_mark
    ? 'It is marked as a production environment.'
    : `${env.host ?? 'Its host'} is Dots' production API.`;
  return (
    <ModalDialog
      labelledBy={`${idPrefix}confirm-title`}
      describedBy={`${idPrefix}confirm-body`}
      testId={`${idPrefix}confirm-dialog`}
      safeButton={cancelRef}
      onCancel={onCancel}
    >
      <h2 id={`${idPrefix}confirm-title`} className="confirm-title" data-testid={`${idPrefix}confirm-question`}>
        Create {what} in {where}?
      </h2>
      <p id={`${idPrefix}confirm-body`}>
        {why} Every link you hand out reaches a real person, and what they do there is real: real identity checks, real
        payouts.
      </p>
      <div className="confirm-buttons">
        <button ref={cancelRef} type="button" className="secondary" onClick={onCancel} data-testid={`${idPrefix}cancel-create`}>
          Cancel
        </button>
        <button type="button" className="primary primary--danger" onClick={onConfirm} data-testid={`${idPrefix}confirm-create`}>
          Create {what === 'this flow' ? '' : `${what} `}in {env.name}
        </button>
      </div>
    </ModalDialog>
  );
}
