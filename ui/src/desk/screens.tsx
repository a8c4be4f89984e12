// The desk's screens, in tab order: a new screen is one entry here (its tab, its
// place in the command palette, its chunk loaded in the background, its last-screen
// memory all follow). Screens other than the builder load on first use.
import { lazy, type ReactNode } from 'react';
import type { EnvironmentView } from '../bindings/EnvironmentView';
import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepName } from '../bindings/StepName';
import { loadStepList } from '../builder/StepsSection';

/** What a screen may use of the desk: the environment, the catalog, and the ways to move on. */
export type DeskContext = {
  env: EnvironmentView | null;
  byName: ReadonlyMap<StepName, StepInfo>;
  /** Bumped when another process changed shared data. */
  dataVersion: number;
  /** A user to open in Users (n changes on every request). */
  userRequest: { userId: string; n: number } | null;
  go: (screen: Screen) => void;
  openEntry: (entry: HistoryEntry) => void;
  duplicateEntry: (entry: HistoryEntry) => void;
  newFlowFor: (userId: string) => void;
  /** Opens a hosted onboarding link from an empty state (the builder's onboarding-only action). */
  startOnboarding: () => void;
};

const loadHistory = () => import('../components/History');
const loadRemote = () => import('../components/RemoteFlows');
const loadBulk = () => import('../bulk/BulkView');
const loadUsers = () => import('../payouts/UsersView');
const loadMoney = () => import('../payouts/MoneyView');
const loadAudit = () => import('../payouts/AuditView');
const loadWebhooks = () => import('../webhooks/WebhooksView');
export const loadSettings = () => import('../settings/Settings');

const History = lazy(() => loadHistory().then((m) => ({ default: m.History })));
const RemoteFlows = lazy(() => loadRemote().then((m) => ({ default: m.RemoteFlows })));
const BulkView = lazy(() => loadBulk().then((m) => ({ default: m.BulkView })));
const UsersView = lazy(() => loadUsers().then((m) => ({ default: m.UsersView })));
const MoneyView = lazy(() => loadMoney().then((m) => ({ default: m.MoneyView })));
const AuditView = lazy(() => loadAudit().then((m) => ({ default: m.AuditView })));
const WebhooksView = lazy(() => loadWebhooks().then((m) => ({ default: m.WebhooksView })));

type ScreenDef = {
  id: string;
  label: string;
  /** What the tab's button is called in the UI tests (kept stable). */
  testId: string;
  load?: () => Promise<unknown>;
  /** The builder renders itself (it stays mounted to keep the draft): no render here. */
  render?: (desk: DeskContext) => ReactNode;
};

export const SCREENS = [
  { id: 'builder', label: 'Builder', testId: 'open-builder' },
  {
    id: 'history',
    label: 'History',
    testId: 'open-history',
    load: loadHistory,
    render: (d) => (
      <History catalog={d.byName} onOpen={d.openEntry} onDuplicate={d.duplicateEntry} onBuild={() => d.go('builder')} dataVersion={d.dataVersion} />
    ),
  },
  {
    id: 'remote',
    label: 'From Dots',
    testId: 'open-remote',
    load: loadRemote,
    render: (d) => (d.env ? <RemoteFlows environmentId={d.env.id} environmentName={d.env.name} onBuild={() => d.go('builder')} /> : null),
  },
  { id: 'bulk', label: 'Bulk', testId: 'open-bulk', load: loadBulk, render: (d) => <BulkView env={d.env} onBuild={() => d.go('builder')} /> },
  {
    id: 'users',
    label: 'Users',
    testId: 'open-users',
    load: loadUsers,
    render: (d) => <UsersView env={d.env} request={d.userRequest} onNewFlow={d.newFlowFor} onOnboarding={d.startOnboarding} />,
  },
  { id: 'money', label: 'Money', testId: 'open-money', load: loadMoney, render: (d) => <MoneyView env={d.env} /> },
  { id: 'audit', label: 'Audit log', testId: 'open-audit', load: loadAudit, render: (d) => <AuditView env={d.env} onMoney={() => d.go('money')} /> },
  { id: 'webhooks', label: 'Webhooks', testId: 'open-webhooks', load: loadWebhooks, render: (d) => <WebhooksView env={d.env} /> },
] as const satisfies readonly ScreenDef[];

export type Screen = (typeof SCREENS)[number]['id'];

export function isScreen(v: unknown): v is Screen {
  return SCREENS.some((s) => s.id === v);
}

/** Fetches the other screens' chunks in the background (after the builder's first paint), so a tab opens at once. */
export function preloadScreens(): void {
  const loads: Array<() => Promise<unknown>> = [loadSettings, loadStepList];
  for (const s of SCREENS) if ('load' in s) loads.push(s.load);
  for (const load of loads) void load().catch(() => {});
}
