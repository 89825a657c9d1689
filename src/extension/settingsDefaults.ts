// Settings fill what hotpath.config.json leaves out; the file always wins, so a
// run from VS Code and `hotpath run` in CI measure the same thing when the file
// says it. Applied to the raw JSON and validated again by the engine's parser.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { LoadedConfig, parseConfig } from '../engine/config';
import { setting } from './contributions';

const AUTOCANNON_ONLY = new Set(['stress', 'spike', 'soak']);

/** Dotted config path → the value the settings give for it. */
export function settingDefaults(scope: vscode.ConfigurationScope): Record<string, unknown> {
  return {
    'load.scenario': setting('load.defaultScenario', scope),
    'profile.samplingIntervalMicros': setting('cpu.samplingIntervalMicros', scope),
    'analysis.nPlusOne.minRepeats': setting('analysis.nPlusOne.minRepeats', scope),
    'analysis.nPlusOne.minTotalMs': setting('analysis.nPlusOne.minTotalMs', scope),
  };
}

/** The loaded config with every value the file did not set taken from the settings. */
export function withSettingDefaults(loaded: LoadedConfig, defaults: Record<string, unknown>): LoadedConfig {
  const raw = JSON.parse(fs.readFileSync(loaded.file, 'utf8')) as Record<string, unknown>;
  let changed = false;
  for (const [dotted, value] of Object.entries(defaults)) {
    if (value === undefined || value === null || loaded.explicit.has(dotted)) continue;
    // Artillery and k6 run only the configured stages.
    if (dotted === 'load.scenario' && loaded.config.load.engine !== 'autocannon' && AUTOCANNON_ONLY.has(String(value))) continue;
    setPath(raw, dotted.split('.'), value);
    changed = true;
  }
  if (!changed) return loaded;
  return { ...loaded, config: parseConfig(raw, loaded.file) };
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
