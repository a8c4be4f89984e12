import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { ImplicitStep } from '../bindings/ImplicitStep';
import type { RuleViolation } from '../bindings/RuleViolation';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import type { StepOption } from '../bindings/StepOption';
import { useRef } from 'react';
import type { StepDraft } from '../draft';
import { ImplicitStepRow, NO_STEPS } from './StepListShell';
import { CloseIcon, GripIcon } from './icons';

type Props = {
  steps: StepDraft[];
  catalog: ReadonlyMap<StepName, StepInfo>;
  /** Drawn greyed at the head while the flow names no user. */
  implicit: ImplicitStep | null;
  violations: ReadonlyMap<StepName, RuleViolation[]>;
  onMove: (from: number, to: number) => void;
  onRemove: (name: StepName) => void;
  onChange: (name: StepName, patch: Partial<StepDraft>) => void;
};

const instructions: ScreenReaderInstructions = {
  draggable:
    'To move a step, press Space or Enter on its handle, move it with the Up and Down arrow keys, ' +
    'then press Space or Enter to drop it, or Escape to cancel.',
};

export function StepList({ steps, catalog, implicit, violations, onMove, onRemove, onChange }: Props) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = steps.map((s) => s.name);
  const count = steps.length;
  const title = (id: UniqueIdentifier) => catalog.get(id as StepName)?.title ?? String(id);
  const position = (id: UniqueIdentifier) => ids.indexOf(id as StepName) + 1;

  // Over-announcements only when the position changes (not for the step's own place as
  // the drag starts, which would drown "Picked up …").
  const lastOver = useRef<UniqueIdentifier | null>(null);
  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      lastOver.current = active.id;
      return `Picked up ${title(active.id)}, step ${position(active.id)} of ${count}.`;
    },
    onDragOver: ({ active, over }) => {
      const overId = over?.id ?? null;
      if (overId === lastOver.current) return undefined;
      lastOver.current = overId;
      return overId !== null
        ? `${title(active.id)} is over position ${position(overId)} of ${count}.`
        : `${title(active.id)} is no longer over the list.`;
    },
    onDragEnd: ({ active, over }) =>
      over
        ? `${title(active.id)} dropped at position ${position(over.id)} of ${count}.`
        : `${title(active.id)} dropped back at position ${position(active.id)}.`,
    onDragCancel: ({ active }) =>
      `Moving ${title(active.id)} was cancelled. It stays at position ${position(active.id)} of ${count}.`,
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = ids.indexOf(active.id as StepName);
    const to = ids.indexOf(over.id as StepName);
    if (from >= 0 && to >= 0) onMove(from, to);
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions: instructions }}
    >
      <SortableContext items={ids} strategy={verticalListSortingStrategy}>
        <ol className="step-list" aria-label="Steps of the flow, in order">
          {implicit ? <ImplicitStepRow implicit={implicit} /> : null}
          {steps.map((step, index) => (
            <SortableStep
              key={step.name}
              step={step}
              index={index}
              info={catalog.get(step.name)}
              violations={violations.get(step.name) ?? []}
              onRemove={onRemove}
              onChange={onChange}
            />
          ))}
        </ol>
      </SortableContext>
      {count === 0 ? <p className="empty">{NO_STEPS}</p> : null}
    </DndContext>
  );
}

type StepProps = {
  step: StepDraft;
  index: number;
  info: StepInfo | undefined;
  violations: RuleViolation[];
  onRemove: (name: StepName) => void;
  onChange: (name: StepName, patch: Partial<StepDraft>) => void;
};

function SortableStep({ step, index, info, violations, onRemove, onChange }: StepProps) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id: step.name });
  const title = info?.title ?? step.name;
  const invalidFields = new Set(violations.map((v) => v.field));
  const className = ['step', isDragging ? 'step--dragging' : '', violations.length ? 'step--invalid' : '']
    .filter(Boolean)
    .join(' ');

  return (
    <li
      ref={setNodeRef}
      className={className}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      data-testid={`step-${step.name}`}
    >
      <div className="step-head">
        <button
          type="button"
          className="handle"
          ref={setActivatorNodeRef}
          {...attributes}
          {...listeners}
          aria-label={`Move ${title} (step ${index + 1})`}
          data-testid={`handle-${step.name}`}
        >
          <GripIcon />
        </button>
        <span className="step-pos" data-testid="step-position">
          {index + 1}
        </span>
        <span className="step-title">{title}</span>
        <code className="step-name">{step.name}</code>
        <button
          type="button"
          className="remove"
          onClick={() => onRemove(step.name)}
          aria-label={`Remove ${title}`}
          data-testid={`remove-${step.name}`}
        >
          <CloseIcon />
        </button>
      </div>
      {info && info.options.length > 0 ? (
        <div className="step-options">
          {info.options.map((option) => (
            <OptionEditor
              key={option}
              step={step}
              option={option}
              invalid={invalidFields.has(option)}
              onChange={onChange}
            />
          ))}
        </div>
      ) : null}
      {violations.length > 0 ? (
        <ul className="violations">
          {violations.map((v, i) => (
            <li key={i} className="violation" data-testid="violation">
              {v.message}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

const optionLabels: Record<StepOption, string> = {
  hide_continue_button: 'Hide the continue button',
  auto_payout_enabled: 'Pay out automatically',
  redirect_url: 'Redirect URL',
  template_id: 'PDF template id',
};

type OptionProps = {
  step: StepDraft;
  option: StepOption;
  invalid: boolean;
  onChange: (name: StepName, patch: Partial<StepDraft>) => void;
};

function OptionEditor({ step, option, invalid, onChange }: OptionProps) {
  const testId = `opt-${step.name}-${option}`;
  const label = optionLabels[option];
  switch (option) {
    case 'hide_continue_button':
    case 'auto_payout_enabled':
      return (
        <label className="option option--check">
          <input
            type="checkbox"
            checked={step[option]}
            onChange={(e) => onChange(step.name, { [option]: e.target.checked })}
            data-testid={testId}
          />
          {label}
        </label>
      );
    case 'redirect_url':
    case 'template_id':
      return (
        <label className="option option--text">
          <span>{label}</span>
          <input
            type={option === 'redirect_url' ? 'url' : 'text'}
            value={step[option]}
            placeholder={option === 'redirect_url' ? 'https://example.com/done' : 'template id'}
            spellCheck={false}
            aria-invalid={invalid || undefined}
            onChange={(e) => onChange(step.name, { [option]: e.target.value })}
            data-testid={testId}
          />
        </label>
      );
  }
}
