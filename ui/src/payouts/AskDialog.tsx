import { useEffect, useRef } from 'react';

type Props = { question: string; body: string; confirmLabel: string; testId: string; onConfirm: () => void; onCancel: () => void };

/** A yes/no question asked before something that cannot be undone; "No" has the focus. */
export function AskDialog({ question, body, confirmLabel, testId, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const noRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    noRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={`${testId}-title`}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`${testId}-title`} className="confirm-title">
        {question}
      </h2>
      <p>{body}</p>
      <div className="confirm-buttons">
        <button ref={noRef} type="button" className="secondary" onClick={onCancel} data-testid={`${testId}-no`}>
          No, keep it
        </button>
        <button type="button" className="primary primary--danger" onClick={onConfirm} data-testid={`${testId}-yes`}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
