// Asks the backend about the request on every change (debounced), and keeps only the
// reply to the latest request: a slow reply to an older one is dropped.
import { useEffect, useRef, useState } from 'react';
import type { FlowRequest } from './bindings/FlowRequest';
import type { RuleViolation } from './bindings/RuleViolation';
import type { JsonValue } from './bindings/serde_json/JsonValue';
import { ipc, toAppError, type AppError } from './ipc';

export type CheckResult = {
  /** JSON of the request this result is about. */
  key: string;
  request: FlowRequest;
  violations: RuleViolation[];
  preview: JsonValue;
};

export type LiveCheck = {
  result: CheckResult | null;
  error: AppError | null;
  /** The result is about the request as it is now. */
  current: boolean;
};

export function useLiveCheck(request: FlowRequest, enabled: boolean, delayMs = 150): LiveCheck {
  const key = JSON.stringify(request);
  const [result, setResult] = useState<CheckResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    const ticket = ++latest.current;
    const sent = JSON.parse(key) as FlowRequest;
    const timer = setTimeout(() => {
      Promise.all([ipc.validateFlow(sent), ipc.previewRequest(sent)]).then(
        ([violations, preview]) => {
          if (ticket !== latest.current) return;
          setResult({ key, request: sent, violations, preview });
          setError(null);
        },
        (e: unknown) => {
          if (ticket !== latest.current) return;
          setError(toAppError(e));
        },
      );
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, enabled, delayMs]);

  return { result, error, current: result !== null && result.key === key };
}
