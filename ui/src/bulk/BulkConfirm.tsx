import { useEffect, useRef } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';

type Props = {
  env: EnvironmentView;
  count: number;
  onConfirm: () => void;
  onCancel: () => void;
};

/** "Create 12 flows in Production (api.dots.dev)?": asked before every bulk start in a production environment. */
export function BulkConfirm({ env, count, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // The safe answer has the focus: Enter alone never starts in Production.
    cancelRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);

  const where = env.host ? `${env.name} (${env.host})` : env.name;
  const why = env.production_mark
    ? 'It is marked as a production environment.'
    : `${env.host ?? 'Its host'} is Dots' production API.`;
  const flows = count === 1 ? '1 flow' : `${count} flows`;
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="bulk-confirm-title"
      aria-describedby="bulk-confirm-body"
      data-testid="bulk-confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="bulk-confirm-title" className="confirm-title" data-testid="bulk-confirm-question">
        Create {flows} in {where}?
      </h2>
      <p id="bulk-confirm-body">
        {why} Every link reaches a real person, and what they do there is real: real identity checks, real payouts.
      </p>
      <div className="confirm-buttons">
        <button ref={cancelRef} type="button" className="secondary" onClick={onCancel} data-testid="bulk-confirm-cancel">
          Cancel
        </button>
        <button type="button" className="primary primary--danger" onClick={onConfirm} data-testid="bulk-confirm">
          Create {flows} in {env.name}
        </button>
      </div>
    </dialog>
  );
}
