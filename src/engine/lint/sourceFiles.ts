// The TypeScript and JavaScript files under the paths given to `hotpath lint`.

import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from '../events';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Build output, dependencies and VCS data: never the user's source. */
export const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'out', '.git']);

const isSource = (name: string) => SOURCE_EXTENSIONS.some((e) => name.endsWith(e)) && !/\.d\.[mc]?ts$/.test(name);

/** Files to lint, sorted; a path that does not exist is an error, a file named explicitly is linted whatever its folder. */
export function collectSourceFiles(paths: string[], cwd: string): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new HotpathError(`${p} does not exist: pass files or folders of TypeScript or JavaScript sources.`);
    }
    if (stat.isFile()) {
      if (isSource(abs)) out.add(abs);
      continue;
    }
    const stack = [abs];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable folder: nothing to lint there
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) stack.push(path.join(dir, e.name));
        } else if (e.isFile() && isSource(e.name)) {
          out.add(path.join(dir, e.name));
        }
      }
    }
  }
  return [...out].sort();
}
