// The flow's steps: a drop target for steps dragged from the palette, and the sortable
// list (its @dnd-kit chunk loads after the first paint; a static shell stands in).
import { lazy, Suspense, useState } from 'react';
import type { RuleViolation } from '../bindings/RuleViolation';
import type { StepCatalog } from '../bindings/StepCatalog';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import { STEP_DRAG_TYPE } from '../components/StepPalette';
import { StepListShell } from '../components/StepListShell';
import { hasUserId, type Draft, type StepDraft } from '../draft';

export const loadStepList = () => import('../components/StepList');
const StepList = lazy(() => loadStepList().then((m) => ({ default: m.StepList })));

type Props = {
  draft: Draft;
  catalog: StepCatalog | null;
  byName: ReadonlyMap<StepName, StepInfo>;
  violations: ReadonlyMap<StepName, RuleViolation[]>;
  onAdd: (name: StepName) => void;
  onMove: (from: number, to: number) => void;
  onRemove: (name: StepName) => void;
  onChange: (name: StepName, patch: Partial<StepDraft>) => void;
};

export function StepsSection({ draft, catalog, byName, violations, onAdd, onMove, onRemove, onChange }: Props) {
  const [dropping, setDropping] = useState(false);
  const implicit = catalog && !hasUserId(draft) ? catalog.implicit : null;
  return (
    <section
      className={dropping ? 'flow-steps-section drop-target' : 'flow-steps-section'}
      aria-labelledby="flow-title"
      data-testid="flow-drop"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes(STEP_DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(e) => {
        setDropping(false);
        const name = e.dataTransfer.getData(STEP_DRAG_TYPE);
        if (!name || !byName.has(name as StepName)) return;
        e.preventDefault();
        onAdd(name as StepName);
      }}
    >
      <h2 id="flow-title">Flow</h2>
      <Suspense fallback={<StepListShell steps={draft.steps} catalog={byName} implicit={implicit} />}>
        <StepList
          steps={draft.steps}
          catalog={byName}
          implicit={implicit}
          violations={violations}
          onMove={onMove}
          onRemove={onRemove}
          onChange={onChange}
        />
      </Suspense>
    </section>
  );
}
