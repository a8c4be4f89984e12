import type { AppInfo } from '../bindings/AppInfo';
import type { EnvironmentView } from '../bindings/EnvironmentView';

/** Where requests go, in words: the base URL, or the sandbox inside the app. */
export function whereTo(env: EnvironmentView, info: AppInfo | null): string {
  if (env.base_url) return env.base_url;
  if (env.local && info?.local_sandbox) return info.base_url;
  return 'the Local sandbox inside Flow Desk';
}
