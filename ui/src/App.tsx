import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo } from './bindings/AppInfo';
import type { EnvironmentsView } from './bindings/EnvironmentsView';
import type { EnvironmentView } from './bindings/EnvironmentView';
import type { FlowRequest } from './bindings/FlowRequest';
import type { FlowView } from './bindings/FlowView';
import type { RuleViolation } from './bindings/RuleViolation';
import type { StepCatalog } from './bindings/StepCatalog';
import type { StepInfo } from './bindings/StepInfo';
import type { StepName } from './bindings/StepName';
import { ErrorNote } from './components/ErrorNote';
import { FlowCard } from './components/FlowCard';
import { FlowOptions } from './components/FlowOptions';
import { Header } from './components/Header';
// The screens other than the builder load on first use (their own chunks), so the first
// paint of the builder parses and runs only the builder's code. Their styles stay in the
// main stylesheet, in the same order as before.
import './bulk/bulk.css';
import './payouts/payouts.css';
import { Templates } from './components/Templates';
import { isScreen, ScreenTabs, type Screen } from './components/ScreenTabs';
import type { Template } from './bindings/Template';
import type { HistoryEntry } from './bindings/HistoryEntry';
import { Palette, STEP_DRAG_TYPE } from './components/Palette';
import { Preview } from './components/Preview';
import { StepListShell } from './components/StepListShell';
import { emptyDraft, hasUserId, metadataOf, moveItem, newStep, toRequest, type Draft, type StepDraft } from './draft';
import { ipc, toAppError, type AppError } from './ipc';
import { useLiveCheck } from './useLiveCheck';

const screens = {
  history: () => import('./components/History'),
  bulk: () => import('./bulk/BulkView'),
  audit: () => import('./payouts/AuditView'),
  money: () => import('./payouts/MoneyView'),
  users: () => import('./payouts/UsersView'),
  remote: () => import('./components/RemoteFlows'),
  settings: () => import('./components/Settings'),
  // The builder's sortable step list: @dnd-kit is not needed for the first paint.
  stepList: () => import('./components/StepList'),
};
const History = lazy(() => screens.history().then((m) => ({ default: m.History })));
const BulkView = lazy(() => screens.bulk().then((m) => ({ default: m.BulkView })));
const AuditView = lazy(() => screens.audit().then((m) => ({ default: m.AuditView })));
const MoneyView = lazy(() => screens.money().then((m) => ({ default: m.MoneyView })));
const UsersView = lazy(() => screens.users().then((m) => ({ default: m.UsersView })));
const RemoteFlows = lazy(() => screens.remote().then((m) => ({ default: m.RemoteFlows })));
const StepList = lazy(() => screens.stepList().then((m) => ({ default: m.StepList })));
const Settings = lazy(() => screens.settings().then((m) => ({ default: m.Settings })));

/** Fetches the other screens' chunks in the background (after the builder's first paint), so a tab opens at once. */
export function preloadScreens(): void {
  for (const load of Object.values(screens)) void load().catch(() => {});
}

/** What a lazy screen shows while its chunk loads (a few milliseconds, from 'self'). */
const loading = <p className="hint" aria-busy="true">Loading…</p>;

const SHORTCUT = /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘ Enter' : 'Ctrl+Enter';

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [catalog, setCatalog] = useState<StepCatalog | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<AppError | null>(null);
  const [created, setCreated] = useState<{ view: FlowView; envName: string } | null>(null);
  const [envs, setEnvs] = useState<EnvironmentsView | null>(null);
  const [envError, setEnvError] = useState<{ context: string; error: AppError } | null>(null);
  const [switching, setSwitching] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const dismissedNotices = useRef(new Set<string>());
  // A create in a production environment waits here for the user's yes.
  const [dropping, setDropping] = useState(false);
  const [screen, setScreenState] = useState<Screen>('builder');
  const navigated = useRef(false);
  /** Every screen change is remembered for the next start. */
  const setScreen = useCallback((next: Screen) => {
    navigated.current = true;
    setScreenState(next);
    void ipc.setViewState('last_screen', next).catch(() => {});
  }, []);
  // A user to open in the Users view (from a claimed flow); n makes each request new.
  const [userRequest, setUserRequest] = useState<{ userId: string; n: number } | null>(null);
  const [toast, setToast] = useState<{ text: string; error: boolean; n: number } | null>(null);

  const notify = useCallback((text: string, error = false) => {
    setToast((t) => ({ text, error, n: (t?.n ?? 0) + 1 }));
  }, []);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 3000);
    return () => clearTimeout(timer);
  }, [toast]);

  const copyLink = useCallback(
    (link: string) => {
      ipc.copyText(link).then(
        () => notify('Link copied'),
        (e: unknown) => {
          const err = toAppError(e);
          notify(`Could not copy (${err.kind}): ${err.message} — select the link and copy it by hand.`, true);
        },
      );
    },
    [notify],
  );

  /** Every EnvironmentsView the backend sends replaces the one shown. */
  const applyView = useCallback((view: EnvironmentsView) => {
    setEnvs(view);
    setEnvError(null);
    // The notice (e.g. a corrupt settings file set aside) is shown once, until dismissed.
    if (view.notice && !dismissedNotices.current.has(view.notice)) setNotice(view.notice);
  }, []);

  // Changes another process made (a CLI verb, a script) show without a restart.
  const [dataVersion, setDataVersion] = useState(0);
  useEffect(() => {
    const off = ipc.onDataChanged((what) => {
      if (what.includes('settings')) ipc.environments().then(applyView, () => {});
      setDataVersion((v) => v + 1);
    });
    return () => void off.then((unlisten) => unlisten(), () => {});
  }, [applyView]);

  // The last screen and dismissed notices of the previous run (unless the person already moved).
  useEffect(() => {
    ipc.viewState().then(
      (v) => {
        for (const n of Array.isArray(v.dismissed_notices) ? v.dismissed_notices : []) {
          if (typeof n === 'string') dismissedNotices.current.add(n);
        }
        if (isScreen(v.last_screen) && !navigated.current) setScreenState(v.last_screen);
      },
      () => {},
    );
  }, []);

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
    ipc.environments().then(
      (view) => {
        if (alive) applyView(view);
      },
      (e: unknown) => {
        if (alive) setEnvError({ context: 'Environments', error: toAppError(e) });
      },
    );
    return () => {
      alive = false;
    };
  }, [applyView]);

  const active = envs?.environments.find((e) => e.environment.id === envs.active)?.environment ?? null;
  const production = active?.is_production ?? false;

  const switchTo = useCallback(
    (id: string) => {
      setSwitching(true);
      ipc
        .setActiveEnvironment(id)
        .then(applyView, (e: unknown) => setEnvError({ context: 'Switch environment', error: toAppError(e) }))
        .finally(() => setSwitching(false));
    },
    [applyView],
  );

  const dismissNotice = () => {
    if (notice) {
      dismissedNotices.current.add(notice);
      void ipc.setViewState('dismissed_notices', [...dismissedNotices.current]).catch(() => {});
    }
    setNotice(null);
  };

  const byName = useMemo(
    () => new Map<StepName, StepInfo>((catalog?.steps ?? []).map((s) => [s.name, s])),
    [catalog],
  );
  const request = useMemo(() => toRequest(draft), [draft]);
  const metadataError = useMemo(() => metadataOf(draft).error, [draft]);
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
  else if (!active) blocked = envError ? 'The environments could not be read.' : 'Loading the environments…';
  else if (switching) blocked = 'Switching the environment…';
  else if (creating) blocked = 'Creating the flow…';
  else if (metadataError) blocked = metadataError;
  else if (check.error) blocked = 'The flow could not be checked.';
  else if (!check.current || !check.result) blocked = 'Checking the flow…';
  else if (violationCount > 0) {
    const first = check.result.violations[0]?.message ?? '';
    blocked = violationCount === 1 ? first : `${first} (and ${violationCount - 1} more)`;
  }
  const canCreate = blocked === null;

  const send = useCallback(
    (request: FlowRequest, env: EnvironmentView) => {
      setCreating(true);
      setCreateError(null);
      ipc
        .createFlow(request, env.id)
        .then(
          (view) => setCreated({ view, envName: env.name }),
          (e: unknown) => {
            const error = toAppError(e);
            setCreateError(error);
            // The backend knows better (the environment changed under us): read it again.
            if (error.kind === 'confirmation_required') ipc.environments().then(applyView, () => {});
          },
        )
        .finally(() => setCreating(false));
    },
    [applyView],
  );

  // In Production the app itself asks in a native dialog (the core's rule, not the page's);
  // a "no" comes back as a confirmation_required error, shown like any other.
  const create = useCallback(() => {
    if (!canCreate || !check.result || !active || creating || settingsOpen) return;
    send(check.result.request, active);
  }, [canCreate, check.result, active, creating, settingsOpen, send]);

  // Ctrl+Enter (Cmd+Enter on macOS) creates when the flow is valid.
  const createRef = useRef(create);
  createRef.current = create;
  // Ctrl+Shift+C (Cmd+Shift+C) copies the last link created.
  const lastLink = useRef<string | null>(null);
  lastLink.current = created?.view.flow.link ?? null;
  const copyRef = useRef(copyLink);
  copyRef.current = copyLink;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.repeat) {
        e.preventDefault();
        createRef.current();
      } else if (e.key.toLowerCase() === 'c' && e.shiftKey && (e.ctrlKey || e.metaKey) && !e.repeat) {
        e.preventDefault();
        if (lastLink.current) copyRef.current(lastLink.current);
        else notify('No link yet: create a flow first.', true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [notify]);

  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const inFlow = useMemo(() => new Set(draft.steps.map((s) => s.name)), [draft.steps]);
  const addStep = (name: StepName) =>
    setDraft((d) => (d.steps.some((s) => s.name === name) ? d : { ...d, steps: [...d.steps, newStep(name)] }));
  const removeStep = (name: StepName) => setDraft((d) => ({ ...d, steps: d.steps.filter((s) => s.name !== name) }));
  const changeStep = (name: StepName, patch: Partial<StepDraft>) =>
    setDraft((d) => ({ ...d, steps: d.steps.map((s) => (s.name === name ? { ...s, ...patch } : s)) }));
  const moveStep = (from: number, to: number) => setDraft((d) => ({ ...d, steps: moveItem(d.steps, from, to) }));

  const openEntry = (e: HistoryEntry) => {
    const pending = e.progress?.pending ?? e.steps;
    const total = e.steps.length;
    const view: FlowView = {
      flow: {
        id: e.flow_id,
        created: e.created_at,
        user_id: e.user_id,
        steps: e.steps,
        completed_steps: e.steps.filter((s) => !pending.includes(s)),
        link: e.link,
        metadata: e.metadata,
      },
      progress: e.progress ?? { claimed: e.user_id !== null, completed: 0, total, done: false, pending: e.steps },
      environment_id: e.environment_id,
    };
    // Not done yet: the card asks the scheduler to watch again (it polls at once).
    setCreated({ view, envName: e.environment_name });
    setScreen('builder');
  };

  const templateOf = (name: string): Template => {
    const t: Template = { name, steps: request.steps };
    if (request.require_auth !== undefined) t.require_auth = request.require_auth;
    if (request.hide_go_to_dashboard_on_complete !== undefined) t.hide_go_to_dashboard_on_complete = request.hide_go_to_dashboard_on_complete;
    if (request.metadata !== undefined) t.metadata = request.metadata;
    return t;
  };
  const loadTemplate = (t: Template) => {
    const meta = t.metadata && typeof t.metadata === 'object' ? { ...t.metadata } : {};
    const reference = typeof meta.reference === 'string' ? meta.reference : '';
    delete meta.reference;
    setDraft((d) => ({
      ...d,
      steps: t.steps
        .filter((s) => byName.has(s.name))
        .map((s) => ({
          ...newStep(s.name),
          hide_continue_button: s.hide_continue_button ?? false,
          auto_payout_enabled: s.auto_payout_enabled ?? false,
          redirect_url: s.redirect_url ?? '',
          template_id: s.template_id ?? '',
        })),
      requireAuth: t.require_auth ?? null,
      hideDashboard: t.hide_go_to_dashboard_on_complete ?? false,
      reference,
      metaMode: 'rows',
      metaRows: Object.entries(meta).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) })),
    }));
  };

  const openUser = (userId: string) => {
    setUserRequest((r) => ({ userId, n: (r?.n ?? 0) + 1 }));
    setScreen('users');
  };
  /** "New flow for this user": the builder with the user id filled in. */
  const newFlowFor = (userId: string) => {
    setDraft((d) => ({ ...d, userId }));
    setScreen('builder');
    notify('User id filled in: add the steps, then create');
  };

  const duplicateEntry = (e: HistoryEntry) => {
    const meta = e.metadata && typeof e.metadata === 'object' && !Array.isArray(e.metadata) ? { ...(e.metadata as Record<string, unknown>) } : {};
    delete meta.reference;
    delete meta.flowdesk_batch;
    delete meta.flowdesk_row;
    setDraft({
      ...emptyDraft,
      steps: e.steps.filter((s) => byName.has(s as StepName)).map((s) => newStep(s as StepName)),
      userId: e.user_id ?? '',
      reference: e.reference ?? '',
      metaRows: Object.entries(meta).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) })),
    });
    setScreen('builder');
    notify('Loaded into the builder: check it, then create');
  };

  return (
    <div className={production ? 'app app--production' : 'app'}>
      {active && production ? (
        <div className="prod-banner" role="status" data-testid="prod-banner">
          <strong>PRODUCTION</strong> — flows you create here reach real people
          <span className="prod-banner-where">
            {active.name}
            {active.host ? ` · ${active.host}` : ''}
          </span>
        </div>
      ) : null}
      <Header
        info={info}
        envs={envs}
        switching={switching}
        onSwitch={switchTo}
        onOpenSettings={() => setSettingsOpen(true)}
      />
      {envs && !envs.keychain.available ? (
        <p className="banner banner--warn" role="alert" data-testid="keychain-warning">
          <strong>The OS keychain is not available:</strong> {envs.keychain.message ?? 'API keys cannot be saved or read.'}{' '}
          The Local sandbox still works without a key.
        </p>
      ) : null}
      {notice ? (
        <p className="banner banner--note" role="status" data-testid="settings-notice">
          <span>{notice}</span>
          <button type="button" className="small" onClick={dismissNotice} data-testid="dismiss-notice">
            Dismiss
          </button>
        </p>
      ) : null}
      {loadError ? <ErrorNote error={loadError} context="Starting" /> : null}
      {envError ? <ErrorNote error={envError.error} context={envError.context} /> : null}
      <ScreenTabs current={screen} onSelect={setScreen} />
      <Suspense fallback={loading}>
      {screen === 'users' ? <UsersView env={active} request={userRequest} onNewFlow={newFlowFor} onNotify={notify} /> : null}
      {screen === 'money' ? <MoneyView env={active} onNotify={notify} /> : null}
      {screen === 'audit' ? <AuditView env={active} onNotify={notify} /> : null}
      {screen === 'bulk' ? <BulkView env={active} onNotify={notify} /> : null}
      {screen === 'remote' && active ? <RemoteFlows environmentId={active.id} environmentName={active.name} /> : null}
      {screen === 'history' ? (
        <History
          catalog={byName}
          onOpen={openEntry}
          onDuplicate={duplicateEntry}
          onNotify={notify}
          dataVersion={dataVersion}
        />
      ) : null}
      </Suspense>
      <main className="layout" hidden={screen !== 'builder'}>
        <div className="side">
          <Palette steps={catalog?.steps ?? []} inFlow={inFlow} onAdd={addStep} />
          <Templates current={templateOf} canSave={draft.steps.length > 0} onLoad={loadTemplate} onNotify={notify} />
        </div>
        <div className="builder">
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
              addStep(name as StepName);
            }}
          >
            <h2 id="flow-title">Flow</h2>
            <Suspense
              fallback={
                <StepListShell
                  steps={draft.steps}
                  catalog={byName}
                  implicit={catalog && !hasUserId(draft) ? catalog.implicit : null}
                />
              }
            >
              <StepList
                steps={draft.steps}
                catalog={byName}
                implicit={catalog && !hasUserId(draft) ? catalog.implicit : null}
                violations={stepViolations}
                onMove={moveStep}
                onRemove={removeStep}
                onChange={changeStep}
              />
            </Suspense>
          </section>
          <FlowOptions draft={draft} violations={flowViolations} onChange={update} />
          <div className="create-bar">
            <button
              type="button"
              className={production ? 'primary primary--danger' : 'primary'}
              disabled={!canCreate}
              onClick={create}
              aria-describedby="create-reason"
              data-testid="create-flow"
            >
              {creating ? 'Creating…' : production && active ? `Create flow in ${active.name}` : 'Create flow'}
            </button>
            <span id="create-reason" className="create-reason" data-testid="create-reason">
              {blocked ?? (production ? `Ready — production: you will be asked to confirm (${SHORTCUT})` : `Ready (${SHORTCUT})`)}
            </span>
          </div>
          {check.error ? <ErrorNote error={check.error} context="Check" /> : null}
          {createError ? <ErrorNote error={createError} context="Create" /> : null}
          {created ? (
            <FlowCard
              key={created.view.flow.id}
              initial={created.view}
              catalog={byName}
              environmentName={created.envName}
              onCopy={copyLink}
              onNotify={notify}
              onOpenUser={openUser}
            />
          ) : null}
          <Preview body={check.result?.preview} />
        </div>
      </main>
      {toast ? (
        <div
          key={toast.n}
          className={toast.error ? 'toast toast--error' : 'toast'}
          role="status"
          aria-live="polite"
          data-testid="toast"
        >
          {toast.text}
        </div>
      ) : null}
      {settingsOpen && envs ? (
        <Suspense fallback={null}>
        <Settings
          envs={envs}
          info={info}
          onView={applyView}
          onClose={() => {
            setSettingsOpen(false);
            // Back where the user was: the button that opened it.
            requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="open-settings"]')?.focus());
          }}
        />
        </Suspense>
      ) : null}
    </div>
  );
}
