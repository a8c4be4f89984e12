// The row of screen tabs at the top of the window, drawn from the one list of screens.
import { SCREENS, type Screen } from '../desk/screens';

export function ScreenTabs({ current, onSelect }: { current: Screen; onSelect: (screen: Screen) => void }) {
  return (
    <nav className="tabs" aria-label="Screens">
      {SCREENS.map((tab) => (
        <button
          key={tab.id}
          type="button"
          className="tab"
          aria-pressed={current === tab.id}
          onClick={() => onSelect(tab.id)}
          data-testid={tab.testId}
        >
          {tab.label}
        </button>
      ))}
    </nav>
  );
}
