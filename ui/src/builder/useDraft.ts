// The flow being composed and the last flow created: kept above the screens, so other
// screens (History, Users, the command palette) can fill the builder.
import { useCallback, useMemo, useState } from 'react';
import type { FlowView } from '../bindings/FlowView';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { StepName } from '../bindings/StepName';
import type { Template } from '../bindings/Template';
import { emptyDraft, moveItem, newStep, type Draft, type StepDraft } from '../draft';
import { ipc } from '../ipc';
import { draftOf, withTemplate } from './fromElsewhere';

export type Created = { view: FlowView; envName: string };

export function useDraft(known: ReadonlySet<StepName>) {
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [created, setCreated] = useState<Created | null>(null);
  const isKnown = useCallback((name: StepName) => known.has(name), [known]);

  const edits = useMemo(
    () => ({
      update: (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch })),
      addStep: (name: StepName) =>
        setDraft((d) => (d.steps.some((s) => s.name === name) ? d : { ...d, steps: [...d.steps, newStep(name)] })),
      removeStep: (name: StepName) => setDraft((d) => ({ ...d, steps: d.steps.filter((s) => s.name !== name) })),
      changeStep: (name: StepName, patch: Partial<StepDraft>) =>
        setDraft((d) => ({ ...d, steps: d.steps.map((s) => (s.name === name ? { ...s, ...patch } : s)) })),
      moveStep: (from: number, to: number) => setDraft((d) => ({ ...d, steps: moveItem(d.steps, from, to) })),
      fillUser: (userId: string) => setDraft((d) => ({ ...d, userId })),
    }),
    [],
  );

  const loadTemplate = useCallback((t: Template) => setDraft((d) => withTemplate(d, t, isKnown)), [isKnown]);
  // The core derives both from the entry as History holds it now.
  const duplicate = useCallback((e: HistoryEntry) => ipc.historyDraft(e.flow_id).then((h) => setDraft(draftOf(h))), []);
  const showEntry = useCallback(
    (e: HistoryEntry) => ipc.historyView(e.flow_id).then((view) => setCreated({ view, envName: e.environment_name })),
    [],
  );

  return { draft, created, setCreated, ...edits, loadTemplate, duplicate, showEntry };
}

export type DraftState = ReturnType<typeof useDraft>;
