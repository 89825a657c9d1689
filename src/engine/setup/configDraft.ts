// The config the guided setup writes: the user's picks turned into a
// hotpath.config.json that loads, with `$schema` so the editor completes it.

import { parseConfig } from '../config';
import type { DetectedRoute, PortUse, StartCandidate } from './serviceDetection';

export interface SetupChoices {
  start: Pick<StartCandidate, 'command' | 'args'>;
  port: PortUse;
  /** Health route for readiness, e.g. `/health`; null: the first GET route picked for load. */
  health: string | null;
  routes: Array<Pick<DetectedRoute, 'method' | 'path'>>;
  /** What `$schema` points at: a path relative to the config or a URI. */
  schema: string;
}

/** A config object, already checked by the engine's own parser (throws HotpathError if the picks cannot work). */
export function draftConfig(choices: SetupChoices): Record<string, unknown> {
  const host = choices.port.kind === 'fixed' ? `http://127.0.0.1:${choices.port.port}` : 'http://127.0.0.1:${port}';
  const routes = choices.routes.length > 0 ? choices.routes : [{ method: 'GET', path: choices.health ?? '/' }];
  // Readiness wants a 2xx: the health route, else the first GET route picked for load.
  const ready = choices.health ?? routes.find((r) => r.method === 'GET')?.path ?? '/';
  const config = {
    $schema: choices.schema,
    service: {
      command: choices.start.command,
      args: choices.start.args,
      cwd: '.',
      env: { NODE_ENV: 'production' },
      readyUrl: `${host}${ready}`,
      readyTimeoutMs: 20000,
    },
    load: {
      engine: 'autocannon',
      target: host,
      requests: routes.map((r) => ({ method: r.method, path: r.path, weight: 1 })),
      stages: [{ durationSec: 10, connections: 10 }],
      scenario: 'load',
    },
    profile: { backend: 'inspector', cpu: true, heap: true, gc: true, queries: true },
    budgets: { 'http.p95': '< 500ms', 'http.errorRate': '< 1%' },
  };
  parseConfig(config);
  return config;
}
