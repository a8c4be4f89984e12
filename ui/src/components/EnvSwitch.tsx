// The environment switch: a radio group (one tab stop; arrow keys move and switch),
// as a set of radio buttons behaves on every desktop.
import { useRef, type KeyboardEvent } from 'react';
import type { AppInfo } from '../bindings/AppInfo';
import type { EnvironmentsView } from '../bindings/EnvironmentsView';
import { whereTo } from './where';

type Props = { info: AppInfo | null; envs: EnvironmentsView; switching: boolean; onSwitch: (id: string) => void };

const STEP: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

export function EnvSwitch({ info, envs, switching, onSwitch }: Props) {
  const group = useRef<HTMLDivElement>(null);
  const list = envs.environments.map((e) => e.environment);
  const activeIndex = Math.max(0, list.findIndex((e) => e.id === envs.active));

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    let next: number | null = null;
    if (e.key in STEP) next = (activeIndex + (STEP[e.key] ?? 0) + list.length) % list.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = list.length - 1;
    if (next === null || switching) return;
    e.preventDefault();
    const target = list[next];
    if (!target) return;
    group.current?.querySelectorAll<HTMLElement>('[role="radio"]')[next]?.focus();
    if (target.id !== envs.active) onSwitch(target.id);
  };

  return (
    <div ref={group} className="env-switch" role="radiogroup" aria-label="Environment" data-testid="env-switch" onKeyDown={onKeyDown}>
      {list.map((env, i) => {
        const on = env.id === envs.active;
        const classes = ['env-option'];
        if (on) classes.push('env-option--on');
        if (env.is_production) classes.push('env-option--prod');
        return (
          <button
            key={env.id}
            type="button"
            role="radio"
            aria-checked={on}
            aria-disabled={switching || undefined}
            tabIndex={i === activeIndex ? 0 : -1}
            className={classes.join(' ')}
            title={`${env.is_production ? 'PRODUCTION: ' : ''}requests go to ${whereTo(env, info)}`}
            onClick={() => {
              if (!on && !switching) onSwitch(env.id);
            }}
            data-testid={`env-option-${env.id}`}
            data-production={env.is_production ? 'true' : 'false'}
          >
            {env.name}
          </button>
        );
      })}
    </div>
  );
}
