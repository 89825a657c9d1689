// Finding and vetting the external load tools (Artillery, k6): the executable
// in the workspace's node_modules/.bin (or a parent's) or on PATH, the scenario
// file, and every absolute URL in it checked by the loopback guard.

import * as fs from 'fs';
import * as path from 'path';
import type { ChildProcess } from 'child_process';
import { CancellationToken, HotpathError } from '../events';
import { isLoopbackUrl } from './loopbackGuard';

/** The executable `name` from `root`'s node_modules/.bin (walking up) or PATH; null when there is none. */
export function findExecutable(name: string, root: string, envPath = process.env.PATH ?? ''): string | null {
  const names = process.platform === 'win32' ? [`${name}.cmd`, `${name}.exe`, name] : [name];
  const dirs: string[] = [];
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, 'node_modules', '.bin'));
    if (path.dirname(dir) === dir) break;
  }
  dirs.push(...envPath.split(path.delimiter).filter(Boolean));
  for (const dir of dirs) {
    for (const n of names) {
      const candidate = path.join(dir, n);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** The scenario file's absolute path and text; a clear sentence when it cannot be read. */
export function readScenarioFile(scenarioFile: string, root: string, engine: string): { file: string; text: string } {
  const file = path.resolve(root, scenarioFile);
  try {
    return { file, text: fs.readFileSync(file, 'utf8') };
  } catch (err) {
    throw new HotpathError(
      `Cannot read the ${engine} scenario file ${file} given in load.scenarioFile (${(err as NodeJS.ErrnoException).code ?? String(err)}): check the path, which is relative to the config file.`,
    );
  }
}

/** Every absolute http(s) URL written in a scenario file, placeholders (`${x}`, `{{ x }}`) included as written. */
export function urlsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/https?:\/\/(?:\$\{[^}]*\}|\{\{[^}]*\}\}|[^\s'"`,)}{$])+/g)) out.add(m[0]);
  return [...out];
}

/** The host of a URL as written, without its port; placeholders are kept as written. */
export function writtenHost(url: string): string {
  const rest = url.replace(/^https?:\/\//, '');
  const authority = rest.split(/[/?#]/, 1)[0].replace(/^[^@]*@/, '');
  if (authority.startsWith('[')) return authority.slice(0, authority.indexOf(']') + 1);
  // host:port where the port is digits or a placeholder such as ${port} or {{ port }}
  const m = /^(.*?)(?::(?:\d+|\$\{[^}]*\}|\{\{[^}]*\}\}))?$/.exec(authority);
  return m ? m[1] : authority;
}

/**
 * The loopback guard for scenario files: every absolute URL in the file must
 * have a loopback host unless load.allowNonLoopback is set. A host that is a
 * placeholder (`${…}`, `{{ … }}`) cannot be checked and is refused too; a
 * placeholder in the port is fine. The engines get load.target (itself checked)
 * from Hotpath, so relative URLs need nothing here.
 */
export function assertScenarioUrlsLoopback(text: string, file: string, allowNonLoopback: boolean): void {
  if (allowNonLoopback) return;
  for (const url of urlsIn(text)) {
    const host = writtenHost(url);
    const templated = /\$\{|\{\{/.test(host);
    if (templated || !isLoopbackUrl(`http://${host}/`)) {
      throw new HotpathError(
        `Refusing to run ${file}: it sends requests to ${url}${templated ? ', a host Hotpath cannot check before the run' : ''}, and Hotpath only loads loopback addresses (127.0.0.1, localhost, ::1) unless load.allowNonLoopback is true, so that a scenario never floods a host you do not own; use paths relative to the target instead.`,
      );
    }
  }
}

export interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the tool could not be started at all. */
  spawnError: Error | null;
  /** Signals the tool's whole process group (it was spawned detached). */
  kill(signal: NodeJS.Signals): void;
}

/**
 * Waits for a load tool spawned detached (its own process group). Cancelling
 * the run asks it to stop with SIGINT (so it can write its report) and kills
 * the group 5 s later if it has not.
 */
export async function waitForTool(child: ChildProcess, token: CancellationToken): Promise<ToolExit> {
  const kill = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
    } catch {
      // already gone
    }
  };
  let hardKill: NodeJS.Timeout | null = null;
  const sub = token.onCancelled(() => {
    kill('SIGINT');
    hardKill = setTimeout(() => kill('SIGKILL'), 5000);
  });
  let spawnError: Error | null = null;
  child.on('error', (err) => (spawnError = err));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  sub.dispose();
  if (hardKill) clearTimeout(hardKill);
  return { ...exit, spawnError, kill };
}
