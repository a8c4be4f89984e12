import { useRef, useState } from 'react';
import { ModalDialog } from '../components/ModalDialog';
import { TextField } from '../components/TextField';

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
  // The safe answer has the focus: Enter alone never sends money.
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState('');

  const ready = !requiresTypedAmount || typed.trim() !== '';
  return (
    <ModalDialog
      className="confirm-dialog money-dialog"
      labelledBy="money-confirm-title"
      describedBy="money-confirm-sentence"
      testId="money-confirm-dialog"
      safeButton={cancelRef}
      onCancel={onCancel}
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
        <TextField
          labelClass="money-typed"
          label="Type the amount to confirm"
          inputMode="decimal"
          autoComplete="off"
          value={typed}
          onChange={setTyped}
          testId="money-typed-amount"
        />
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
    </ModalDialog>
  );
}
