// What the command palette offers besides flows: every screen, settings, every other
// environment, every saved template, and the shortcuts. One list, built on each open.
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import type { Template } from '../bindings/Template';
import { SCREENS, type Screen } from './screens';

export type Command = { id: string; label: string; group: string; run: () => void };

type Sources = {
  envs: EnvironmentsView | null;
  templates: Template[];
  go: (screen: Screen) => void;
  openSettings: () => void;
  switchTo: (id: string) => void;
  loadTemplate: (t: Template) => void;
  startOnboarding: () => void;
  showHelp: () => void;
};

export function commandsOf(s: Sources): Command[] {
  const list: Command[] = SCREENS.map((screen) => ({
    id: `go-${screen.id}`,
    label: `Go to ${screen.label}`,
    group: 'Screens',
    run: () => s.go(screen.id),
  }));
  list.push({ id: 'open-settings', label: 'Open Settings', group: 'Screens', run: s.openSettings });
  for (const { environment: env } of s.envs?.environments ?? []) {
    if (env.id === s.envs?.active) continue;
    list.push({
      id: `env-${env.id}`,
      label: `Switch to ${env.name}${env.is_production ? ' (production)' : ''}`,
      group: 'Environments',
      run: () => s.switchTo(env.id),
    });
  }
  list.push({ id: 'onboarding', label: 'Send an onboarding link', group: 'Create', run: s.startOnboarding });
  for (const t of s.templates) {
    list.push({ id: `template-${t.name}`, label: `New flow from template “${t.name}”`, group: 'Create', run: () => s.loadTemplate(t) });
  }
  list.push({ id: 'help', label: 'Show keyboard shortcuts', group: 'Help', run: s.showHelp });
  return list;
}

/** The commands whose label holds every word typed (any order, any case). */
export function matching(list: Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return list.filter((c) => words.every((w) => c.label.toLowerCase().includes(w)));
}
