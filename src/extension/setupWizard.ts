// Zero-config start: Run Benchmark in a folder without hotpath.config.json
// asks a few questions (how the service starts, its port, a health route, the
// routes to load), writes the config with `$schema` and hands back to the run.
// The guesses come from the engine's setup detection; every pick is the user's.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { draftConfig } from '../engine/setup/configDraft';
import { DetectedRoute, findStartCandidates, loadableRoutes, PortUse, scanEntry, StartCandidate } from '../engine/setup/serviceDetection';

const TITLE = 'Hotpath setup';

/** Asks and writes the config; false when the user cancelled (nothing is written then). */
export async function runSetupWizard(folder: vscode.WorkspaceFolder, configFile: string, extensionUri: vscode.Uri): Promise<boolean> {
  const root = folder.uri.fsPath;
  const start = await pickStart(root, path.basename(configFile));
  if (!start) return false;
  const scan = start.entry ? scanEntry(root, start.entry) : { port: { kind: 'unknown' } as PortUse, routes: [], health: null, files: [] };
  const port = await pickPort(scan.port, start);
  if (!port) return false;
  const health = await pickHealth(scan.routes, scan.health);
  if (health === undefined) return false;
  const routes = await pickRoutes(scan.routes, health);
  if (!routes) return false;

  let config: Record<string, unknown>;
  try {
    config = draftConfig({ start, port, health, routes, schema: schemaRef(root, configFile, extensionUri) });
  } catch (err) {
    void vscode.window.showErrorMessage(`Hotpath: these answers do not make a working config: ${(err as Error).message}`);
    return false;
  }
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { flag: 'wx' });
  void vscode.window.showInformationMessage(`Hotpath: wrote ${path.relative(root, configFile)}; edit it any time (stages, budgets, scenario).`);
  return true;
}

async function pickStart(root: string, configName: string): Promise<StartCandidate | undefined> {
  const candidates = findStartCandidates(root);
  type Item = vscode.QuickPickItem & { candidate?: StartCandidate };
  const items: Item[] = candidates.map((c) => ({ label: c.label, description: c.detail, candidate: c }));
  items.push({ label: 'Another file…', description: 'pick the JavaScript file that starts the service' });
  const choice = await vscode.window.showQuickPick(items, { title: `${TITLE} (1/4): how does the service start?`, placeHolder: `No ${configName} here yet: pick an npm script or the entry file, and Hotpath writes one (Escape cancels)`, ignoreFocusOut: true });
  if (!choice) return undefined;
  if (choice.candidate) return choice.candidate;
  const picked = await vscode.window.showOpenDialog({ defaultUri: vscode.Uri.file(root), canSelectMany: false, filters: { JavaScript: ['js', 'mjs', 'cjs'] }, title: 'Entry file of the service' });
  if (!picked?.[0]) return undefined;
  const rel = path.relative(root, picked[0].fsPath).split(path.sep).join('/');
  return { label: rel, detail: 'picked', command: 'node', args: [rel], entry: rel };
}

async function pickPort(found: PortUse, start: StartCandidate): Promise<PortUse | undefined> {
  // Hotpath always passes a free port as PORT: a service that reads it needs no answer.
  if (found.kind === 'env') return found;
  type Item = vscode.QuickPickItem & { port: PortUse | null };
  const items: Item[] = [];
  if (found.kind === 'fixed') items.push({ label: `Port ${found.port}`, description: `found in ${start.entry}`, port: found });
  items.push({ label: 'The PORT environment variable', description: 'Hotpath picks a free port and passes it as PORT', port: { kind: 'env' } });
  items.push({ label: 'Another port…', port: null });
  const choice = await vscode.window.showQuickPick(items, { title: `${TITLE} (2/4): which port does it listen on?`, ignoreFocusOut: true });
  if (!choice) return undefined;
  if (choice.port) return choice.port;
  const typed = await vscode.window.showInputBox({
    title: `${TITLE}: port`,
    prompt: 'The port the service listens on',
    validateInput: (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? undefined : 'A port number from 1 to 65535'),
    ignoreFocusOut: true,
  });
  return typed ? { kind: 'fixed', port: Number(typed) } : undefined;
}

/** The health route, null for none, undefined when cancelled. */
async function pickHealth(routes: DetectedRoute[], health: string | null): Promise<string | null | undefined> {
  type Item = vscode.QuickPickItem & { path: string | null };
  const gets = routes.filter((r) => r.method === 'GET' && !/[:*{(]/.test(r.path));
  const items: Item[] = [];
  if (health) items.push({ label: health, description: 'looks like a health check', path: health });
  for (const r of gets) if (r.path !== health) items.push({ label: r.path, description: `${r.file}:${r.line}`, path: r.path });
  items.push({ label: 'No health route', description: 'ready when the first route picked for load answers 2xx', path: null });
  const choice = await vscode.window.showQuickPick(items, { title: `${TITLE} (3/4): which route says the service is ready?`, placeHolder: 'Hotpath polls it until it answers 2xx', ignoreFocusOut: true });
  return choice ? choice.path : undefined;
}

async function pickRoutes(routes: DetectedRoute[], health: string | null): Promise<Array<{ method: string; path: string }> | undefined> {
  const loadable = new Set(loadableRoutes(routes));
  // The readiness route is polled already; loading it measures nothing of the service.
  const offered = routes.filter((r) => r.method === 'GET' && !/[:*{(]/.test(r.path) && r.path !== health);
  if (offered.length === 0) {
    const typed = await vscode.window.showInputBox({
      title: `${TITLE} (4/4): which routes should be loaded?`,
      prompt: 'No routes were found in the source: paths to load, separated by spaces (GET requests)',
      value: health ?? '/',
      validateInput: (v) => (v.trim().split(/\s+/).every((p) => p.startsWith('/')) ? undefined : 'Each path starts with /'),
      ignoreFocusOut: true,
    });
    return typed === undefined ? undefined : typed.trim().split(/\s+/).map((p) => ({ method: 'GET', path: p }));
  }
  type Item = vscode.QuickPickItem & { route: DetectedRoute };
  const items: Item[] = offered.map((r) => ({ label: r.path, description: `${r.method} · ${r.file}:${r.line}`, picked: loadable.has(r), route: r }));
  const chosen = await vscode.window.showQuickPick(items, { title: `${TITLE} (4/4): which routes should be loaded?`, placeHolder: 'Each gets an equal share of the requests', canPickMany: true, ignoreFocusOut: true });
  if (!chosen) return undefined;
  return chosen.map((c) => ({ method: c.route.method, path: c.route.path }));
}

/**
 * A path relative to the config when the workspace has Hotpath installed as a
 * package (it moves with the repository); otherwise the schema shipped in the
 * extension.
 */
function schemaRef(root: string, configFile: string, extensionUri: vscode.Uri): string {
  const local = path.join(root, 'node_modules', 'hotpath', 'schema', 'hotpath.config.schema.json');
  if (fs.existsSync(local)) return path.relative(path.dirname(configFile), local).split(path.sep).join('/');
  return vscode.Uri.joinPath(extensionUri, 'schema', 'hotpath.config.schema.json').toString();
}
