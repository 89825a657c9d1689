// Stack frames as the probe records them (`file:line:col`, 1-based) and the
// rule that finds the user's own line among them: the first frame that is not
// in node_modules, not in Node itself and not in the probe. Pure; used inside
// the probe, so no dependencies.

import type { CallSite } from './probeMessages';

/** Splits `file:line:col` from the right, so paths containing colons (C:\…, file URLs) survive. */
export function parseFrame(frame: string): CallSite | null {
  const lastColon = frame.lastIndexOf(':');
  if (lastColon <= 0) return null;
  const secondColon = frame.lastIndexOf(':', lastColon - 1);
  if (secondColon <= 0) return null;
  const line = Number(frame.slice(secondColon + 1, lastColon));
  const column = Number(frame.slice(lastColon + 1));
  if (!Number.isInteger(line) || !Number.isInteger(column) || line < 1 || column < 1) return null;
  return { file: frame.slice(0, secondColon), line, column };
}

/** True for files that are not the user's code: Node internals, dependencies, anonymous code. */
export function isLibraryFile(file: string): boolean {
  return (
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    file === 'native' ||
    file.startsWith('<') ||
    file.startsWith('evalmachine.') ||
    file.includes('/node_modules/') ||
    file.includes('\\node_modules\\')
  );
}

/**
 * The first frame (innermost first) that belongs to the user's code, or null.
 * `ignoreFiles` are skipped as well (the probe passes its own file).
 */
export function firstUserFrame(stack: readonly string[], ignoreFiles: readonly string[] = []): CallSite | null {
  for (const frame of stack) {
    const site = parseFrame(frame);
    if (site && !isLibraryFile(site.file) && !ignoreFiles.includes(site.file)) return site;
  }
  return null;
}
