import { useRef } from 'react';
import { ModalDialog } from '../components/ModalDialog';

type Props = { question: string; body: string; confirmLabel: string; testId: string; onConfirm: () => void; onCancel: () => void };

/** A yes/no question asked before something that cannot be undone; "No" has the focus. */
export function AskDialog({ question, body, confirmLabel, testId, onConfirm, onCancel }: Props) {
  const noRef = useRef<HTMLButtonElement>(null);
  return (
    <ModalDialog labelledBy={`${testId}-title`} testId={testId} safeButton={noRef} onCancel={onCancel}>
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
    </ModalDialog>
  );
}
