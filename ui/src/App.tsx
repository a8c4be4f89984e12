import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo } from './bindings/AppInfo';
import type { FlowView } from './bindings/FlowView';
import type { RuleViolation } from './bindings/RuleViolation';
import type { StepCatalog } from './bindings/StepCatalog';
import type { StepInfo } from './bindings/StepInfo';
import type { StepName } from './bindings/StepName';
import { ErrorNote } from './components/ErrorNote';
import { FlowCard } from './components/FlowCard';
import { FlowOptions } from './components/FlowOptions';
import { Header } from './components/Header';
import { Palette } from './components/Palette';
import { Preview } from './components/Preview';
import { StepList } from './components/StepList';
import { emptyDraft, hasUserId, moveItem, newStep, toRequest, type Draft, type StepDraft } from './draft';
import { ipc, toAppError, type AppError } from './ipc';
import { useLiveCheck } from './useLiveCheck';

const SHORTCUT = /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘ Enter' : 'Ctrl+Enter';

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [catalog, setCatalog] = useState<StepCatalog | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<AppError | null>(null);
  const [created, setCreated] = useState<FlowView | null>(null);

  useEffect(() => {
    let alive = true;
    Promise.all([ipc.appInfo(), ipc.stepCatalog()]).then(
      ([i, c]) => {
        if (!alive) return;
        setInfo(i);
        setCatalog(c);
      },
      (e: unknown) => {
        if (alive) setLoadError(toAppError(e));
      },
    );
    return () => {
      alive = false;
    };
  }, []);

  const byName = useMemo(
    () => new Map<StepName, StepInfo>((catalog?.steps ?? []).map((s) => [s.name, s])),
    [catalog],
  );
  const request = useMemo(() => toRequest(draft), [draft]);
  const check = useLiveCheck(request, catalog !== null);

  // Violations from the last reply, placed by the step name they were about (so they
  // stay on the right step while a newer check is on its way).
  const { stepViolations, flowViolations } = useMemo(() => {
    const perStep = new Map<StepName, RuleViolation[]>();
    const flowLevel: RuleViolation[] = [];
    for (const v of check.result?.violations ?? []) {
      const name = v.step === null ? undefined : check.result?.request.steps[v.step]?.name;
      if (name === undefined) {
        flowLevel.push(v);
      } else {
        perStep.set(name, [...(perStep.get(name) ?? []), v]);
      }
    }
    return { stepViolations: perStep, flowViolations: flowLevel };
  }, [check.result]);

  const violationCount = check.result?.violations.length ?? 0;
  let blocked: string | null = null;
  if (!catalog) blocked = 'Loading the step catalog…';
  else if (creating) blocked = 'Creating the flow…';
  else if (check.error) blocked = 'The flow could not be checked.';
  else if (!check.current || !check.result) blocked = 'Checking the flow…';
  else if (violationCount > 0) {
    const first = check.result.violations[0]?.message ?? '';
    blocked = violationCount === 1 ? first : `${first} (and ${violationCount - 1} more)`;
  }
  const canCreate = blocked === null;

  const create = useCallback(() => {
    if (!canCreate || !check.result) return;
    const sent = check.result.request;
    setCreating(true);
    setCreateError(null);
    ipc
      .createFlow(sent)
      .then(setCreated, (e: unknown) => setCreateError(toAppError(e)))
      .finally(() => setCreating(false));
  }, [canCreate, check.result]);

  // Ctrl+Enter (Cmd+Enter on macOS) creates when the flow is valid.
  const createRef = useRef(create);
  createRef.current = create;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.repeat) {
        e.preventDefault();
        createRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const inFlow = useMemo(() => new Set(draft.steps.map((s) => s.name)), [draft.steps]);
  const addStep = (name: StepName) =>
    setDraft((d) => (d.steps.some((s) => s.name === name) ? d : { ...d, steps: [...d.steps, newStep(name)] }));
  const removeStep = (name: StepName) => setDraft((d) => ({ ...d, steps: d.steps.filter((s) => s.name !== name) }));
  const changeStep = (name: StepName, patch: Partial<StepDraft>) =>
    setDraft((d) => ({ ...d, steps: d.steps.map((s) => (s.name === name ? { ...s, ...patch } : s)) }));
  const moveStep = (from: number, to: number) => setDraft((d) => ({ ...d, steps: moveItem(d.steps, from, to) }));

  return (
    <div className="app">
      <Header info={info} />
      {loadError ? <ErrorNote error={loadError} context="Starting" /> : null}
      <main className="layout">
        <Palette steps={catalog?.steps ?? []} inFlow={inFlow} onAdd={addStep} />
        <div className="builder">
          <section className="flow-steps-section" aria-labelledby="flow-title">
            <h2 id="flow-title">Flow</h2>
            <StepList
              steps={draft.steps}
              catalog={byName}
              implicit={catalog && !hasUserId(draft) ? catalog.implicit : null}
              violations={stepViolations}
              onMove={moveStep}
              onRemove={removeStep}
              onChange={changeStep}
            />
          </section>
          <FlowOptions draft={draft} violations={flowViolations} onChange={update} />
          <div className="create-bar">
            <button
              type="button"
              className="primary"
              disabled={!canCreate}
              onClick={create}
              aria-describedby="create-reason"
              data-testid="create-flow"
            >
              {creating ? 'Creating…' : 'Create flow'}
            </button>
            <span id="create-reason" className="create-reason" data-testid="create-reason">
              {blocked ?? `Ready (${SHORTCUT})`}
            </span>
          </div>
          {check.error ? <ErrorNote error={check.error} context="Check" /> : null}
          {createError ? <ErrorNote error={createError} context="Create" /> : null}
          {created ? <FlowCard key={created.flow.id} initial={created} catalog={byName} /> : null}
          <Preview body={check.result?.preview} />
        </div>
      </main>
    </div>
  );
}
