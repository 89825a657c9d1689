// Finding 0x and Clinic.js. Neither ships inside Hotpath (0x installs about
// 30 MB of node_modules, clinic about 150 MB — more than the rest of the
// extension together), so a backend that needs one looks, in order, in:
//   1. node_modules/.bin of the workspace (the config's folder) and of every
//      folder above it, then of the service's cwd and the folders above it;
//   2. every folder on PATH (a global `npm install -g`).
// When none has it, the run stops before anything starts, with one sentence
// naming the tool and the command that installs it.

import * as fs from 'fs';
import * as path from 'path';
import { HotpathError } from '../events';

export type ExternalTool = '0x' | 'clinic';

export interface LocatedTool {
  tool: ExternalTool;
  /** Absolute path of the executable (a node_modules/.bin link or a PATH entry). */
  bin: string;
  /** The package's version when its package.json could be read. */
  version: string | null;
}

/** The npm package that provides each tool (the same name as the command). */
export const INSTALL_COMMAND: Record<ExternalTool, string> = {
  '0x': 'npm install --save-dev 0x',
  clinic: 'npm install --save-dev clinic',
};

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function* upwards(start: string): Generator<string> {
  let dir = path.resolve(start);
  for (;;) {
    yield dir;
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function names(tool: ExternalTool): string[] {
  return process.platform === 'win32' ? [`${tool}.cmd`, `${tool}.exe`, tool] : [tool];
}

/** Searches the places listed at the top of this file; null when the tool is not installed. */
export function findTool(tool: ExternalTool, dirs: string[], envPath = process.env.PATH ?? ''): LocatedTool | null {
  const candidates: string[] = [];
  const seen = new Set<string>();
  for (const start of dirs) {
    for (const dir of upwards(start)) {
      const bin = path.join(dir, 'node_modules', '.bin');
      if (seen.has(bin)) continue;
      seen.add(bin);
      for (const n of names(tool)) candidates.push(path.join(bin, n));
    }
  }
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    for (const n of names(tool)) candidates.push(path.join(dir, n));
  }
  const bin = candidates.find(isExecutable);
  return bin ? { tool, bin, version: packageVersion(bin, tool) } : null;
}

/** Like findTool, but a missing tool is the one-sentence error the user sees. */
export function requireTool(tool: ExternalTool, backend: string, workspace: string, serviceCwd: string, envPath?: string): LocatedTool {
  const found = findTool(tool, [workspace, serviceCwd], envPath);
  if (found) return found;
  throw new HotpathError(
    `profile.backend "${backend}" needs ${tool === 'clinic' ? 'Clinic.js (the clinic command)' : '0x'}, which is not installed in this workspace's node_modules nor on PATH: install it with \`${INSTALL_COMMAND[tool]}\` in ${workspace} (or globally with \`npm install -g ${tool}\`), or use the built-in "inspector" backend.`,
  );
}

/** Reads the version from the package the executable belongs to (through the .bin link). */
function packageVersion(bin: string, tool: ExternalTool): string | null {
  let real: string;
  try {
    real = fs.realpathSync(bin);
  } catch {
    return null;
  }
  for (const dir of upwards(path.dirname(real))) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8'));
        return json.name === tool && typeof json.version === 'string' ? json.version : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}
