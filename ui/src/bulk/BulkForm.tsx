// What a batch is made of: the CSV file, the step template, and how many at once.
import type { ChangeEvent } from 'react';
import type { Template } from '../bindings/Template';

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

type Props = {
  templates: Template[] | null;
  templateName: string;
  concurrency: string;
  onFile: (e: ChangeEvent<HTMLInputElement>) => void;
  onTemplate: (name: string) => void;
  onConcurrency: (text: string) => void;
  onBuild: () => void;
};

export function BulkForm({ templates, templateName, concurrency, onFile, onTemplate, onConcurrency, onBuild }: Props) {
  return (
    <div className="bulk-form form form--row">
      <label className="field">
        <span>CSV file</span>
        <input type="file" accept=".csv,text/csv" onChange={onFile} data-testid="bulk-file" />
      </label>
      <label className="field">
        <span>Template</span>
        <select value={templateName} onChange={(e) => onTemplate(e.target.value)} data-testid="bulk-template">
          <option value="">Choose a template…</option>
          {(templates ?? []).map((t) => (
            <option key={t.name} value={t.name}>
              {t.name} ({t.steps.map((s) => s.name).join(', ') || 'no steps'})
            </option>
          ))}
        </select>
        {templates?.length === 0 ? (
          <span className="field-note">
            No template yet.{' '}
            <button type="button" className="link-button" onClick={onBuild} data-testid="bulk-go-builder">
              Save one in the builder
            </button>
          </span>
        ) : null}
      </label>
      <label className="field">
        <span>Concurrency</span>
        <input
          type="number"
          min={1}
          max={MAX_CONCURRENCY}
          value={concurrency}
          onChange={(e) => onConcurrency(e.target.value)}
          data-testid="bulk-concurrency"
        />
      </label>
    </div>
  );
}
