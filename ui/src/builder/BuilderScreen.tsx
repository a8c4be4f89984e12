// The builder: the step palette and templates beside the flow being composed, its
// options, Create, the created flow's card and the request preview.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { StepCatalog } from '../bindings/StepCatalog';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import { ErrorNote } from '../components/ErrorNote';
import { FlowCard } from '../components/FlowCard';
import { FlowOptions } from '../components/FlowOptions';
import { StepPalette } from '../components/StepPalette';
import { Preview } from '../components/Preview';
import { Templates } from '../components/Templates';
import { useCopy, useNotify } from '../desk/notify';
import { CreateBar } from './CreateBar';
import { templateOf } from './fromElsewhere';
import { StepsSection } from './StepsSection';
import { dialogOpen } from '../desk/dialogs';
import { useCreate } from './useCreate';
import type { DraftState } from './useDraft';

type Props = {
  builder: DraftState;
  catalog: StepCatalog | null;
  byName: ReadonlyMap<StepName, StepInfo>;
  env: EnvironmentView | null;
  envBlocked: string | null;
  hidden: boolean;
  onStale: () => void;
  onOpenUser: (userId: string) => void;
};

export function BuilderScreen({ builder, catalog, byName, env, envBlocked, hidden, onStale, onOpenUser }: Props) {
  const { draft, created, setCreated } = builder;
  const notify = useNotify();
  const copy = useCopy();
  const c = useCreate({ draft, ready: catalog !== null, env, envBlocked, onCreated: setCreated, onStale });
  const inFlow = useMemo(() => new Set(draft.steps.map((s) => s.name)), [draft.steps]);
  const current = useCallback((name: string) => templateOf(c.request, name), [c.request]);

  // Ctrl+Enter (Cmd+Enter) creates when the flow is valid; Ctrl+Shift+C copies the last link.
  const latest = useRef({ create: c.create, link: created?.view.flow.link ?? null });
  latest.current = { create: c.create, link: created?.view.flow.link ?? null };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || !(e.ctrlKey || e.metaKey) || dialogOpen()) return;
      if (e.key === 'Enter') {
        e.preventDefault();
        latest.current.create();
      } else if (e.key.toLowerCase() === 'c' && e.shiftKey) {
        e.preventDefault();
        if (latest.current.link) copy(latest.current.link);
        else notify('No link yet: create a flow first.', true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [copy, notify]);

  return (
    <main className="layout" hidden={hidden} data-testid="builder">
      <div className="side">
        <StepPalette steps={catalog?.steps ?? []} inFlow={inFlow} onAdd={builder.addStep} />
        <Templates current={current} canSave={draft.steps.length > 0} onLoad={builder.loadTemplate} />
      </div>
      <div className="builder">
        <StepsSection
          draft={draft}
          catalog={catalog}
          byName={byName}
          violations={c.stepViolations}
          onAdd={builder.addStep}
          onMove={builder.moveStep}
          onRemove={builder.removeStep}
          onChange={builder.changeStep}
        />
        <FlowOptions draft={draft} violations={c.flowViolations} onChange={builder.update} />
        <CreateBar
          env={env}
          blocked={c.blocked}
          creating={c.creating}
          onCreate={c.create}
          onboardingBlocked={c.onboardingBlocked}
          onOnboarding={c.sendOnboarding}
        />
        {c.check.error ? <ErrorNote error={c.check.error} context="Check" /> : null}
        {c.createError ? <ErrorNote error={c.createError} context="Create" /> : null}
        {created ? (
          <FlowCard
            key={created.view.flow.id}
            initial={created.view}
            catalog={byName}
            environmentName={created.envName}
            onCopy={copy}
            onOpenUser={onOpenUser}
          />
        ) : null}
        <Preview body={c.check.result?.preview} />
      </div>
    </main>
  );
}
