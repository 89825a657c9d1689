// What the flame graph webview is sent: a run's `.cpuprofile` with every frame
// that has a source map pointed at the original source (so a TypeScript
// service's frames open the .ts file at the right line). The tree, samples and
// timing are left as V8 wrote them; the webview lays them out itself.

import * as fs from 'fs';
import { pathToFileURL } from 'url';
import type { CpuProfile } from './cpuProfile';
import { cpuProfileProblem } from './cpuProfileCheck';
import { SourceMapResolver } from '../sourceMaps';

/** Reads and checks a profile; throws one sentence naming the file when it cannot be used. */
export function readFlameProfile(file: string, sourceMaps: SourceMapResolver = new SourceMapResolver()): CpuProfile {
  let profile: CpuProfile;
  try {
    profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  } catch (err) {
    throw new Error(`${file} cannot be read as a CPU profile (${(err as Error).message}).`);
  }
  const problem = cpuProfileProblem(profile);
  if (problem) throw new Error(`${file} is not a usable CPU profile: ${problem}.`);
  return sourceMapped(profile, sourceMaps);
}

/** A copy whose call frames name original sources where a source map says so. */
export function sourceMapped(profile: CpuProfile, sourceMaps: SourceMapResolver): CpuProfile {
  const nodes = profile.nodes.map((n) => {
    const f = n.callFrame;
    if (!f.url || !(f.url.startsWith('file://') || f.url.startsWith('/'))) return n;
    const original = sourceMaps.resolve(f.url, f.lineNumber + 1, (f.columnNumber ?? 0) + 1);
    if (!original) return n;
    const url = original.file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(original.file) ? pathToFileURL(original.file).href : original.file;
    return { ...n, callFrame: { ...f, url, lineNumber: original.line - 1, columnNumber: original.column - 1 } };
  });
  return { ...profile, nodes };
}
