import { useEffect, useRef, useState } from 'react';

export type Fact = { label: string; value: string; testId: string };

type Props = {
  title: string;
  /** One sentence that says it all (the summary's). */
  sentence: string;
  facts: Fact[];
  /** Said in red above the buttons (e.g. an earlier payment is unsettled). */
  warning?: string;
  /** Production: the amount is typed again before Confirm is enabled. */
  requiresTypedAmount: boolean;
  confirmLabel: string;
  onConfirm: (typedAmount?: string) => void;
  onCancel: () => void;
};

/** Step two of every money action: states what will be sent, sends nothing until Confirm. */
export function MoneyConfirmDialog({ title, sentence, facts, warning, requiresTypedAmount, confirmLabel, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState('');

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // The safe answer has the focus: Enter alone never sends money.
    cancelRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);

  const ready = !requiresTypedAmount || typed.trim() !== '';
  return (
    <dialog
      ref={ref}
      className="confirm-dialog money-dialog"
      aria-labelledby="money-confirm-title"
      aria-describedby="money-confirm-sentence"
      data-testid="money-confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="money-confirm-title" className="confirm-title">
        {title}
      </h2>
      <p id="money-confirm-sentence" className="money-sentence" data-testid="money-summary-sentence">
        {sentence}
      </p>
      <dl className="money-facts">
        {facts.map((f) => (
          <div key={f.testId} className="money-fact">
            <dt>{f.label}</dt>
            <dd data-testid={f.testId}>{f.value}</dd>
          </div>
        ))}
      </dl>
      {warning ? (
        <p className="note note--fail" role="alert" data-testid="money-confirm-warning">
          {warning}
        </p>
      ) : null}
      {requiresTypedAmount ? (
        <label className="money-typed">
          <span>Type the amount to confirm</span>
          <input
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-testid="money-typed-amount"
          />
        </label>
      ) : null}
      <div className="confirm-buttons">
        <button ref={cancelRef} type="button" className="secondary" onClick={onCancel} data-testid="money-cancel">
          Cancel
        </button>
        <button
          type="button"
          className="primary primary--danger"
          disabled={!ready}
          onClick={() => onConfirm(requiresTypedAmount ? typed.trim() : undefined)}
          data-testid="money-confirm"
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
