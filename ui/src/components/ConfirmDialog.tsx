import { useEffect, useRef } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';

type Props = {
  env: EnvironmentView;
  onConfirm: () => void;
  onCancel: () => void;
};

/** "Create this flow in Production (api.dots.dev)?": asked before every create in a production environment. */
export function ConfirmDialog({ env, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // The safe answer has the focus: Enter alone never creates in Production.
    cancelRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);

  const where = env.host ? `${env.name} (${env.host})` : env.name;
  const why = env.production_mark
    ? 'It is marked as a production environment.'
    : `${env.host ?? 'Its host'} is Dots' production API.`;
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      data-testid="confirm-dialog"
      onCancel={(e) => {
        // Escape: close through React, like the Cancel button.
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title" className="confirm-title" data-testid="confirm-question">
        Create this flow in {where}?
      </h2>
      <p id="confirm-body">
        {why} The link you hand out reaches a real person, and what they do there is real: real identity checks, real
        payouts.
      </p>
      <div className="confirm-buttons">
        <button ref={cancelRef} type="button" className="secondary" onClick={onCancel} data-testid="cancel-create">
          Cancel
        </button>
        <button type="button" className="primary primary--danger" onClick={onConfirm} data-testid="confirm-create">
          Create in {env.name}
        </button>
      </div>
    </dialog>
  );
}
