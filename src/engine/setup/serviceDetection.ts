// Zero-config start: what a folder without hotpath.config.json most likely
// runs. Cheap and regex-based on purpose (a guided setup offers its guesses as
// picks; the user confirms each), so it reads package.json and a few source
// files and never executes anything.

import * as fs from 'fs';
import * as path from 'path';

export interface StartCandidate {
  /** What the pick shows: `npm run start` or `server.js`. */
  label: string;
  /** How it was found: an npm script's text, or why the file is a likely entry. */
  detail: string;
  command: string;
  args: string[];
  /** The file the service starts from, relative to the folder, when known (scanned for port and routes). */
  entry: string | null;
}

export type PortUse = { kind: 'env' } | { kind: 'fixed'; port: number } | { kind: 'unknown' };

export interface DetectedRoute {
  method: string;
  path: string;
  /** Relative to the folder, 1-based line. */
  file: string;
  line: number;
}

export interface EntryScan {
  port: PortUse;
  routes: DetectedRoute[];
  /** A route that looks like a health check (`/health`, `/healthz`, `/ready`, `/ping`, `/status`), if any. */
  health: string | null;
  /** Files read, relative to the folder. */
  files: string[];
}

const SKIPPED_SCRIPTS = /^(test|lint|build|watch|format|prettier|eslint|tsc|typecheck|pre|post|prepare|clean|coverage|release|deploy|docs)/i;
const LIKELY_ENTRIES = ['server.js', 'index.js', 'app.js', 'main.js', 'src/server.js', 'src/index.js', 'src/app.js', 'dist/server.js', 'dist/index.js', 'build/server.js', 'server.mjs', 'index.mjs', 'server.cjs'];
const HEALTH = /^\/(health|healthz|healthcheck|ready|readyz|livez|ping|status)$/i;
const METHODS = 'get|post|put|patch|delete|head|options|all';
const MAX_FILES = 40;
const MAX_BYTES = 512 * 1024;

/** npm scripts that start something, then likely entry files (package.json `main` first). */
export function findStartCandidates(folder: string): StartCandidate[] {
  const out: StartCandidate[] = [];
  const pkg = readPackageJson(folder);
  const scripts = (pkg?.scripts ?? {}) as Record<string, unknown>;
  for (const [name, text] of Object.entries(scripts)) {
    if (typeof text !== 'string' || SKIPPED_SCRIPTS.test(name)) continue;
    const direct = directNodeCommand(text);
    // A plain `node file` runs as node itself (the inspector attaches directly); anything else through npm.
    if (direct) out.push({ label: `npm run ${name}`, detail: text, command: 'node', args: direct.args, entry: direct.entry });
    else out.push({ label: `npm run ${name}`, detail: text, command: 'npm', args: ['run', name], entry: entryIn(text, folder) });
  }
  out.sort((a, b) => scriptRank(a.label) - scriptRank(b.label));
  const files = new Set<string>();
  if (typeof pkg?.main === 'string') files.add(path.normalize(pkg.main));
  for (const f of LIKELY_ENTRIES) files.add(path.normalize(f));
  for (const f of files) {
    const withExt = existingFile(folder, f);
    if (!withExt) continue;
    const reason = typeof pkg?.main === 'string' && path.normalize(pkg.main) === f ? 'package.json "main"' : 'a likely entry file';
    out.push({ label: withExt, detail: reason, command: 'node', args: [withExt], entry: withExt });
  }
  return out;
}

/** Reads the entry and the local files it requires or imports (breadth first, a few dozen at most). */
export function scanEntry(folder: string, entry: string): EntryScan {
  const queue = [entry];
  const seen = new Set<string>();
  const routes: DetectedRoute[] = [];
  let port: PortUse = { kind: 'unknown' };
  while (queue.length > 0 && seen.size < MAX_FILES) {
    const rel = queue.shift()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    let text: string;
    try {
      const full = path.join(folder, rel);
      if (fs.statSync(full).size > MAX_BYTES) continue;
      text = fs.readFileSync(full, 'utf8');
    } catch {
      continue;
    }
    port = mergePort(port, findPort(text));
    for (const r of findRoutes(text)) routes.push({ ...r, file: rel.split(path.sep).join('/') });
    for (const spec of localImports(text)) {
      const target = existingFile(folder, path.join(path.dirname(rel), spec));
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  const unique = dedupeRoutes(routes);
  const health = unique.find((r) => r.method === 'GET' && HEALTH.test(r.path))?.path ?? null;
  return { port, routes: unique, health, files: [...seen].map((f) => f.split(path.sep).join('/')) };
}

/** `process.env.PORT` wins over a literal: Hotpath passes PORT, so the service then listens where Hotpath says. */
export function findPort(source: string): PortUse {
  if (/process\.env\.PORT\b|process\.env\[['"]PORT['"]\]|\bPORT\s*}\s*=\s*process\.env/.test(source)) return { kind: 'env' };
  const listen = /\.listen\(\s*(\d{2,5})\s*[,)]/.exec(source) ?? /\bport\s*[:=]\s*(\d{2,5})\b/i.exec(source);
  if (listen) {
    const n = Number(listen[1]);
    if (n > 0 && n < 65536) return { kind: 'fixed', port: n };
  }
  return { kind: 'unknown' };
}

/** Route literals: `app.get('/x'`, `router.post("/x"`, `'GET /x'`, `url === '/x'`, `pathname === '/x'`, `case '/x':`. */
export function findRoutes(source: string): Array<{ method: string; path: string; line: number }> {
  const found: Array<{ method: string; path: string; line: number }> = [];
  const patterns: Array<[RegExp, (m: RegExpExecArray) => [string, string]]> = [
    [new RegExp(`\\.(${METHODS})\\(\\s*['"\`](\\/[^'"\`\\s]*)['"\`]`, 'g'), (m) => [m[1], m[2]]],
    [/['"`](GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/[^'"`\s]*)['"`]/g, (m) => [m[1], m[2]]],
    [/\b(?:url|pathname|path)\s*===?\s*['"`](\/[^'"`\s]*)['"`]/g, (m) => ['GET', m[1]]],
    [/\bcase\s+['"`](\/[^'"`\s]*)['"`]\s*:/g, (m) => ['GET', m[1]]],
  ];
  for (const [re, pick] of patterns) {
    for (let m = re.exec(source); m; m = re.exec(source)) {
      const [method, p] = pick(m);
      found.push({ method: method.toUpperCase() === 'ALL' ? 'GET' : method.toUpperCase(), path: p, line: lineOf(source, m.index) });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Routes worth loading by default: GET, no path parameters or wildcards, not the health check. */
export function loadableRoutes(routes: DetectedRoute[]): DetectedRoute[] {
  return routes.filter((r) => r.method === 'GET' && !/[:*{(]/.test(r.path) && !HEALTH.test(r.path));
}

function mergePort(a: PortUse, b: PortUse): PortUse {
  if (a.kind === 'env' || b.kind === 'unknown') return a;
  if (b.kind === 'env') return b;
  return a.kind === 'fixed' ? a : b;
}

function dedupeRoutes(routes: DetectedRoute[]): DetectedRoute[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function localImports(source: string): string[] {
  const out: string[] = [];
  const re = /(?:require\(\s*|from\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (let m = re.exec(source); m; m = re.exec(source)) out.push(m[1]);
  return out;
}

/** The file as named, or with a .js/.ts/.mjs/.cjs ending or as a folder's index; relative to the folder. */
function existingFile(folder: string, rel: string): string | null {
  const candidates = [rel, `${rel}.js`, `${rel}.ts`, `${rel}.mjs`, `${rel}.cjs`, path.join(rel, 'index.js'), path.join(rel, 'index.ts')];
  for (const c of candidates) {
    const norm = path.normalize(c);
    if (norm.startsWith('..') || path.isAbsolute(norm) || norm.split(path.sep).includes('node_modules')) continue;
    try {
      if (fs.statSync(path.join(folder, norm)).isFile()) return norm.split(path.sep).join('/');
    } catch {
      // not this one
    }
  }
  return null;
}

function directNodeCommand(script: string): { args: string[]; entry: string } | null {
  const m = /^\s*node\s+((?:--?[\w-]+(?:=\S+)?\s+)*)([\w./-]+\.[cm]?js)((?:\s+[\w./=-]+)*)\s*$/.exec(script);
  if (!m) return null;
  const flags = m[1].trim().split(/\s+/).filter(Boolean);
  const rest = m[3].trim().split(/\s+/).filter(Boolean);
  return { args: [...flags, m[2], ...rest], entry: m[2].replace(/^\.\//, '') };
}

function entryIn(script: string, folder: string): string | null {
  for (const token of script.split(/\s+/)) {
    if (/\.[cm]?[jt]s$/.test(token)) {
      const f = existingFile(folder, token.replace(/^\.\//, ''));
      if (f) return f;
    }
  }
  return null;
}

function scriptRank(label: string): number {
  const name = label.replace(/^npm run /, '');
  return name === 'start' ? 0 : name === 'serve' ? 1 : name === 'dev' ? 2 : /start|serve/.test(name) ? 3 : 4;
}

function readPackageJson(folder: string): { scripts?: unknown; main?: unknown } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
}

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}
