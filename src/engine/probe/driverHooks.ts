// Finds database drivers as the service loads them. Module.prototype.load runs
// once per module file, with its absolute path, for require() and for import
// of CommonJS packages alike, so the driver is patched in whichever copy the
// service resolves (several copies in one tree are each patched), before the
// service can use it. Drivers loaded before the probe are found in the
// require cache.

import Module = require('module');
import { patchBetterSqlite3 } from './betterSqlite3Hook';
import { patchMongodb } from './mongodbHook';
import { patchMysql2Connection, patchMysql2Pool } from './mysql2Hook';
import { patchPgClient, patchPgPool } from './pgHook';
import type { QueryRecorder } from './queryRecorder';
import { patchSqlite3 } from './sqlite3Hook';

interface DriverModule {
  /** Matched against the module's path with forward slashes. */
  file: RegExp;
  patch(moduleExports: unknown, filename: string, recorder: QueryRecorder): void;
}

export const DRIVER_MODULES: readonly DriverModule[] = [
  { file: /\/better-sqlite3\/lib\/database\.js$/, patch: (loaded, _file, recorder) => patchBetterSqlite3(loaded, recorder) },
  { file: /\/pg\/lib\/(?:native\/)?client\.js$/, patch: (loaded, _file, recorder) => patchPgClient(loaded, recorder) },
  { file: /\/pg-pool\/index\.js$/, patch: (loaded, _file, recorder) => patchPgPool(loaded, recorder) },
  { file: /\/mysql2\/lib\/(?:base\/)?connection\.js$/, patch: (loaded, _file, recorder) => patchMysql2Connection(loaded, recorder) },
  { file: /\/mysql2\/lib\/(?:base\/)?pool\.js$/, patch: (loaded, _file, recorder) => patchMysql2Pool(loaded, recorder) },
  { file: /\/sqlite3\/lib\/sqlite3\.js$/, patch: (loaded, _file, recorder) => patchSqlite3(loaded, recorder) },
  { file: /\/mongodb\/lib\/collection\.js$/, patch: (loaded, _file, recorder) => patchMongodb(loaded, recorder) },
];

/** A cheap first test, so that the regexes run only for a handful of files. */
const CANDIDATE = /sqlite|\/pg|mysql2|mongodb/;

function patchIfDriver(filename: unknown, moduleExports: unknown, recorder: QueryRecorder): void {
  if (typeof filename !== 'string') return;
  const normalized = filename.replace(/\\/g, '/');
  if (!CANDIDATE.test(normalized)) return;
  for (const driver of DRIVER_MODULES) {
    if (!driver.file.test(normalized)) continue;
    try {
      driver.patch(moduleExports, filename, recorder);
    } catch {
      // This driver goes unrecorded; the service is unaffected.
    }
  }
}

type ModuleInternals = {
  prototype: { load(this: { exports: unknown }, filename: string): unknown };
  _cache?: Record<string, { exports?: unknown } | undefined>;
};

const INSTALLED = Symbol.for('hotpath.probe.driverHooks');

export function installDriverHooks(recorder: QueryRecorder): void {
  const internals = Module as unknown as ModuleInternals & Record<symbol, unknown>;
  // One set of hooks per process, even if two copies of the probe are preloaded.
  if (internals[INSTALLED]) return;
  internals[INSTALLED] = true;

  for (const [filename, loaded] of Object.entries(internals._cache ?? {})) {
    if (loaded) patchIfDriver(filename, loaded.exports, recorder);
  }

  const originalLoad = internals.prototype.load;
  internals.prototype.load = function load(this: { exports: unknown }, filename: string): unknown {
    const result = originalLoad.apply(this, arguments as unknown as [string]);
    patchIfDriver(filename, this.exports, recorder);
    return result;
  };
}
