import { useEffect, useRef, type ReactNode, type RefObject } from 'react';

type Props = {
  className?: string;
  labelledBy: string;
  describedBy?: string;
  testId: string;
  /** The safe answer: it has the focus when the dialog opens, so Enter alone never does the risky thing. */
  safeButton: RefObject<HTMLButtonElement | null>;
  /** Escape closes through React, like the safe button. */
  onCancel: () => void;
  children: ReactNode;
};

/** The shell every confirmation shares: a modal <dialog> open while mounted, focus on the safe answer. */
export function ModalDialog({ className = 'confirm-dialog', labelledBy, describedBy, testId, safeButton, onCancel, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    safeButton.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
    // Opened once per mount: the ref object never changes.
  }, []);

  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      {children}
    </dialog>
  );
}
