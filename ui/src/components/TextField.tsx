import type { InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  /** The label's class: "field" lays the label out above the input. */
  labelClass?: string;
};

/** A labelled one-line text input; extra input attributes (inputMode, placeholder, …) pass through. */
export function TextField({ label, value, onChange, testId, labelClass = 'field', ...input }: Props) {
  return (
    <label className={labelClass}>
      <span>{label}</span>
      <input type="text" {...input} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </label>
  );
}
