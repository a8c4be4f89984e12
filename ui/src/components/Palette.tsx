import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';

type Props = {
  steps: StepInfo[];
  inFlow: ReadonlySet<StepName>;
  onAdd: (name: StepName) => void;
};

/** Every step Dots accepts; a click appends it to the flow. Each step can appear once. */
export function Palette({ steps, inFlow, onAdd }: Props) {
  return (
    <section className="palette" aria-labelledby="palette-title">
      <h2 id="palette-title">Steps</h2>
      <p className="hint">Click a step to add it to the flow.</p>
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
