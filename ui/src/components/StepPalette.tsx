import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';

type Props = {
  steps: StepInfo[];
  inFlow: ReadonlySet<StepName>;
  onAdd: (name: StepName) => void;
};

/** The drag data type a palette item carries (HTML drag and drop into the flow list). */
export const STEP_DRAG_TYPE = 'application/x-flowdesk-step';

/** Every step Dots accepts; a click (or a drag into the flow) appends it. Each step can appear once. */
export function StepPalette({ steps, inFlow, onAdd }: Props) {
  return (
    <section className="palette" aria-labelledby="palette-title">
      <h2 id="palette-title">Steps</h2>
      <p className="hint">Click a step, or drag it into the flow, to add it.</p>
      <ul>
        {steps.map((step) => {
          const added = inFlow.has(step.name);
          return (
            <li key={step.name}>
              <button
                type="button"
                className="palette-item"
                data-testid={`catalog-${step.name}`}
                disabled={added}
                draggable={!added}
                onDragStart={(e) => {
                  e.dataTransfer.setData(STEP_DRAG_TYPE, step.name);
                  e.dataTransfer.setData('text/plain', step.name);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => onAdd(step.name)}
              >
                <span className="palette-title">
                  {step.title}
                  {added ? <span className="tag">added</span> : null}
                </span>
                <span className="palette-desc">{step.description}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
