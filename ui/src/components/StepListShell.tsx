// The parts of the step list that need no drag and drop: the greyed implicit step, and
// what is shown while the sortable list (with @dnd-kit, its own chunk) loads — so the
// builder's first paint does not wait for the drag-and-drop code.
import type { ImplicitStep } from '../bindings/ImplicitStep';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import type { StepDraft } from '../draft';

export const NO_STEPS = 'No steps yet: pick some from the list on the left.';

export function ImplicitStepRow({ implicit }: { implicit: ImplicitStep }) {
  return (
    <li className="step step--implicit" data-testid="implicit-step" aria-disabled="true">
      <div className="step-head">
        <span className="step-lock" aria-hidden="true">
          {/* Drawn, not a font glyph: the desktop's fonts may have no such character. */}
          <svg width="12" height="12" viewBox="0 0 12 12" fill="none" stroke="currentColor" strokeWidth="1.4">
            <rect x="2" y="5.5" width="8" height="5.5" rx="1" />
            <path d="M4 5.5V4a2 2 0 0 1 4 0v1.5" />
          </svg>
        </span>
        <span className="step-pos" aria-hidden="true">
          ·
        </span>
        <span className="step-title">{implicit.title}</span>
        <span className="tag">added by Dots</span>
      </div>
      <p className="step-desc">{implicit.description}</p>
    </li>
  );
}

/** The list as it looks, without its controls, for the few milliseconds before the sortable one is there. */
export function StepListShell({
  steps,
  catalog,
  implicit,
}: {
  steps: StepDraft[];
  catalog: ReadonlyMap<StepName, StepInfo>;
  implicit: ImplicitStep | null;
}) {
  return (
    <>
      <ol className="step-list" aria-label="Steps of the flow, in order">
        {implicit ? <ImplicitStepRow implicit={implicit} /> : null}
        {steps.map((step, index) => (
          <li key={step.name} className="step">
            <div className="step-head">
              <span className="step-pos">{index + 1}</span>
              <span className="step-title">{catalog.get(step.name)?.title ?? step.name}</span>
              <code className="step-name">{step.name}</code>
            </div>
          </li>
        ))}
      </ol>
      {steps.length === 0 ? <p className="empty">{NO_STEPS}</p> : null}
    </>
  );
}
