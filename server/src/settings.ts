// kubeid's settings as the server sees them: one type, one parser with defaults.
import type { CheckSettings, Severity } from './core/checks';

export interface Settings {
  checks: CheckSettings;
  /** `kubeid.kubeconfig` (machine scope: a workspace cannot set it); undefined: KUBECONFIG or ~/.kube/config, as kubectl. */
  kubeconfig?: string;
}

const LEVELS = new Set<string>(['error', 'warning', 'information', 'hint', 'off']);

/** Parses the `kubeid` configuration section; anything malformed is ignored, never fatal. */
export function parseSettings(raw: unknown): Settings {
  const severity: Record<string, Severity | 'off'> = {};
  const checks = (raw as { checks?: unknown } | null | undefined)?.checks;
  if (checks && typeof checks === 'object') {
    for (const [id, level] of Object.entries(checks)) {
      if (typeof level === 'string' && LEVELS.has(level)) severity[id] = level as Severity | 'off';
    }
  }
  const kubeconfig = (raw as { kubeconfig?: unknown } | null | undefined)?.kubeconfig;
  return { checks: { severity }, ...(typeof kubeconfig === 'string' && kubeconfig.trim() ? { kubeconfig: kubeconfig.trim() } : {}) };
}
