// The row of screen tabs at the top of the window. One table drives the
// buttons so a new screen is one line here, not another copied <button>.
export type Screen = 'builder' | 'history' | 'remote' | 'bulk' | 'users' | 'money' | 'audit';

const SCREENS: readonly string[] = ['builder', 'history', 'remote', 'bulk', 'users', 'money', 'audit'];

export function isScreen(v: unknown): v is Screen {
  return typeof v === 'string' && SCREENS.includes(v);
}

// Order, labels and testids are what the UI tests and the e2e test click.
const TABS: ReadonlyArray<{ screen: Screen; label: string; testId: string }> = [
  { screen: 'builder', label: 'Builder', testId: 'open-builder' },
  { screen: 'history', label: 'History', testId: 'open-history' },
  { screen: 'remote', label: 'From Dots', testId: 'open-remote' },
  { screen: 'bulk', label: 'Bulk', testId: 'open-bulk' },
  { screen: 'users', label: 'Users', testId: 'open-users' },
  { screen: 'money', label: 'Money', testId: 'open-money' },
  { screen: 'audit', label: 'Audit log', testId: 'open-audit' },
];

export function ScreenTabs({ current, onSelect }: { current: Screen; onSelect: (screen: Screen) => void }) {
  return (
    <nav className="tabs" aria-label="Screens">
      {TABS.map((tab) => (
        <button
          key={tab.screen}
          type="button"
          className="tab"
          aria-pressed={current === tab.screen}
          onClick={() => onSelect(tab.screen)}
          data-testid={tab.testId}
        >
          {tab.label}
        </button>
      ))}
    </nav>
  );
}
