// The desk: header, banners, the screen tabs, the screen on show, and the settings
// drawer. State that screens share (environments, the draft) lives here; each
// screen's own state lives in the screen.
import { Fragment, lazy, Suspense, useCallback, useMemo, useState } from 'react';
import type { HistoryEntry } from './bindings/HistoryEntry';
import type { StepInfo } from './bindings/StepInfo';
import type { StepName } from './bindings/StepName';
import { BuilderScreen } from './builder/BuilderScreen';
import { useDraft } from './builder/useDraft';
import { Header } from './components/Header';
import { ScreenTabs } from './components/ScreenTabs';
import { Banners, ProdBanner } from './desk/Banners';
import { NotifyProvider, useNotify } from './desk/notify';
import { loadSettings, SCREENS, type DeskContext } from './desk/screens';
import { useEnvironments } from './desk/useEnvironments';
import { useQuery } from './desk/useQuery';
import { useScreen } from './desk/useScreen';
import { useShortcuts } from './desk/useShortcuts';
import { commandsOf } from './desk/commands';
import { CommandPalette } from './desk/CommandPalette';
import { ShortcutsHelp } from './desk/ShortcutsHelp';
import { ipc, toAppError } from './ipc';
// The lazy screens' styles stay in the main stylesheet, in the same order as before.
import './bulk/bulk.css';
import './payouts/payouts.css';

export { preloadScreens } from './desk/screens';

const Settings = lazy(() => loadSettings().then((m) => ({ default: m.Settings })));

/** What a lazy screen shows while its chunk loads (a few milliseconds, from 'self'). */
const loading = (
  <p className="hint" aria-busy="true">
    Loading…
  </p>
);

export function App() {
  return (
    <NotifyProvider>
      <Desk />
    </NotifyProvider>
  );
}

function Desk() {
  const notify = useNotify();
  const start = useQuery(() => ipc.startup().then((s) => [s.info, s.catalog] as const), []);
  const [info, catalog] = start.data ?? [null, null];
  const envs = useEnvironments();
  const { screen, go } = useScreen();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [userRequest, setUserRequest] = useState<DeskContext['userRequest']>(null);
  const [overlay, setOverlay] = useState<{ kind: 'palette' | 'help'; back: Element | null } | null>(null);
  // From the palette to the help, the focus still goes back to where it was before the palette.
  const open = (kind: 'palette' | 'help') => setOverlay({ kind, back: overlay?.back ?? document.activeElement });
  useShortcuts(() => open('palette'), () => open('help'));
  const closeOverlay = () => {
    const back = overlay?.back;
    setOverlay(null);
    // Back where the person was, unless what they chose took the focus (a dialog, a field).
    requestAnimationFrame(() => {
      const now = document.activeElement;
      if ((!now || now === document.body) && back instanceof HTMLElement) back.focus();
    });
  };

  const byName = useMemo(() => new Map<StepName, StepInfo>((catalog?.steps ?? []).map((s) => [s.name, s])), [catalog]);
  const known = useMemo(() => new Set(byName.keys()), [byName]);
  const builder = useDraft(known);

  const openUser = useCallback(
    (userId: string) => {
      setUserRequest((r) => ({ userId, n: (r?.n ?? 0) + 1 }));
      go('users');
    },
    [go],
  );

  const desk: DeskContext = {
    env: envs.active,
    byName,
    dataVersion: envs.dataVersion,
    userRequest,
    go,
    openEntry: (e: HistoryEntry) => {
      builder.showEntry(e).then(
        () => go('builder'),
        (err: unknown) => notify(`Could not open the flow: ${toAppError(err).message}`, true),
      );
    },
    duplicateEntry: (e: HistoryEntry) => {
      builder.duplicate(e).then(
        () => {
          go('builder');
          notify('Loaded into the builder: check it, then create');
        },
        (err: unknown) => notify(`Could not load the flow: ${toAppError(err).message}`, true),
      );
    },
    newFlowFor: (userId: string) => {
      builder.fillUser(userId);
      go('builder');
      notify('User id filled in: add the steps, then create');
    },
    startOnboarding: () => {
      go('builder');
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="send-onboarding"]')?.focus());
    },
  };

  const closeSettings = () => {
    setSettingsOpen(false);
    // Back where the user was: the button that opened it.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="open-settings"]')?.focus());
  };

  return (
    <div className={envs.active?.is_production ? 'app app--production' : 'app'}>
      <ProdBanner env={envs.active} />
      <Header
        info={info}
        envs={envs.envs}
        switching={envs.switching}
        onSwitch={envs.switchTo}
        onOpenSettings={() => setSettingsOpen(true)}
      />
      <Banners envs={envs} loadError={start.error} />
      <ScreenTabs current={screen} onSelect={go} />
      <Suspense fallback={loading}>
        {SCREENS.map((s) => (s.id === screen && 'render' in s ? <Fragment key={s.id}>{s.render(desk)}</Fragment> : null))}
      </Suspense>
      <BuilderScreen
        builder={builder}
        catalog={catalog}
        byName={byName}
        env={envs.active}
        envBlocked={envs.blocked}
        hidden={screen !== 'builder'}
        onStale={envs.reread}
        onOpenUser={openUser}
      />
      {overlay?.kind === 'palette' ? (
        <CommandPalette
          onClose={closeOverlay}
          onOpenFlow={desk.openEntry}
          commandsWith={(templates) =>
            commandsOf({
              envs: envs.envs,
              templates,
              go,
              openSettings: () => setSettingsOpen(true),
              switchTo: envs.switchTo,
              loadTemplate: (t) => {
                builder.loadTemplate(t);
                go('builder');
                notify(`Template “${t.name}” loaded: check it, then create`);
              },
              startOnboarding: desk.startOnboarding,
              showHelp: () => open('help'),
            })
          }
        />
      ) : null}
      {overlay?.kind === 'help' ? <ShortcutsHelp onClose={closeOverlay} /> : null}
      {settingsOpen && envs.envs ? (
        <Suspense fallback={null}>
          <Settings envs={envs.envs} info={info} onView={envs.applyView} onClose={closeSettings} />
        </Suspense>
      ) : null}
    </div>
  );
}
