// The composition root: builds every object once and hands each disposable to VS Code.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { readRun } from '../engine/store/runStore';
import { Commands, registerCommand } from './contributions';
import { RunController } from './runController';
import { OPEN_SOURCE_COMMAND, ReportViewProvider } from './reportView';
import { RunItem, RunsTreeProvider } from './runsTree';
import { locateWorkspace } from './workspaceRuns';
import { RunAnnotations } from './annotations/runAnnotations';
import { HotCodeLensProvider } from './annotations/hotCodeLenses';
import { LineHeat } from './annotations/lineHeat';
import { batchingExplanation, NPlusOneCodeActions, NPlusOneDiagnostics } from './annotations/nPlusOneDiagnostics';
import type { RunRecord } from '../engine/runRecord';
import { listRunSummaries } from '../engine/store/runListing';
import { baselineId, getBaseline, setBaseline } from '../engine/store/baseline';
import { confirmAndDeleteRun, revealRunFolder } from './runFolderCommands';
import { FlameGraphPanel, flameSourceOfRun } from './flameGraphPanel';
import { formatMeasure } from './format';

const BASELINE_KEY = 'hotpath.baselineRunDir';
const EXPLAIN_SCHEME = 'hotpath-explain';
const COMPARE_SCHEME = 'hotpath-compare';
let controller: RunController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const activationStart = performance.now();
  const output = vscode.window.createOutputChannel('Hotpath');
  controller = new RunController(context.extensionUri, output);
  migrateBaseline(context);
  const runs = new RunsTreeProvider();
  const report = new ReportViewProvider(context.extensionUri);
  const runsView = vscode.window.createTreeView('hotpath.runs', { treeDataProvider: runs, showCollapseAll: false });
  const annotations = new RunAnnotations();
  const lenses = new HotCodeLensProvider(annotations);
  const heat = new LineHeat(annotations, context.extensionUri);
  const diagnostics = new NPlusOneDiagnostics(annotations);
  /** The report view and the editor annotations show one run: the selected one. */
  const select = (record: RunRecord | null) => {
    report.show(record);
    const where = locateWorkspace();
    annotations.show(record && where ? { record, root: path.dirname(where.configFile) } : null);
  };

  const runDirOf = (arg: unknown): string | undefined => {
    if (arg instanceof RunItem) return arg.run.dir;
    if (typeof arg === 'string') return arg;
    const selected = runsView.selection[0];
    if (selected) return selected.run.dir;
    const newest = runs.getChildren().find((r) => r.run.ok);
    return newest?.run.dir;
  };

  const watcher = (() => {
    const where = locateWorkspace();
    if (!where) return undefined;
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(where.runsDir, '*/run.json'));
    w.onDidCreate(() => runs.refresh());
    w.onDidDelete(() => runs.refresh());
    return w;
  })();

  context.subscriptions.push(
    output,
    controller,
    runs,
    runsView,
    ...(watcher ? [watcher] : []),
    vscode.window.registerWebviewViewProvider('hotpath.report', report),
    annotations,
    lenses,
    heat,
    diagnostics,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lenses),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new NPlusOneCodeActions(), { providedCodeActionKinds: NPlusOneCodeActions.kinds }),
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      provideTextDocumentContent: (uri) => batchingExplanation(new URLSearchParams(uri.query).get('message') ?? ''),
    }),
    vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, {
      provideTextDocumentContent: (uri) => {
        const q = new URLSearchParams(uri.query);
        const a = readRun(q.get('base') ?? '');
        const b = readRun(q.get('cur') ?? '');
        return a.ok && b.ok ? quickComparison(a.record, b.record) : 'One of the two runs cannot be read any more.';
      },
    }),
    vscode.commands.registerCommand('hotpath.explainNPlusOne', async (message: string) => {
      // A read-only document: no Untitled tab that asks to be saved.
      const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: '/Batching an N+1 query.md', query: new URLSearchParams({ message: String(message ?? '') }).toString() });
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    }),
    runsView.onDidChangeSelection((e) => {
      const item = e.selection[0];
      const run = item?.run.ok ? readRun(item.run.dir) : null;
      if (run?.ok) select(run.record);
    }),
    controller.onDidFinishRun((outcome) => {
      runs.refresh();
      if (outcome.record) select(outcome.record);
    }),
    registerCommand(Commands.RunBenchmark, () => controller!.run()),
    registerCommand(Commands.StopBenchmark, () => controller!.stop()),
    registerCommand(Commands.ShowDashboard, () => controller!.showDashboard()),
    registerCommand(Commands.RefreshRuns, () => runs.refresh()),
    registerCommand(Commands.OpenReport, async (arg?: unknown) => {
      const dir = runDirOf(arg);
      if (!dir) return void vscode.window.showInformationMessage('Hotpath: no saved run yet; run a benchmark first.');
      const run = readRun(dir);
      if (!run.ok) return void vscode.window.showErrorMessage(`Hotpath: ${dir} cannot be opened: ${run.reason}.`);
      select(run.record);
      const md = path.join(dir, 'report.md');
      if (fs.existsSync(md)) await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(md));
    }),
    registerCommand(Commands.SetBaseline, async (arg?: unknown) => {
      const dir = runDirOf(arg);
      if (!dir) return;
      try {
        setBaseline(path.dirname(dir), path.basename(dir));
      } catch (err) {
        return void vscode.window.showErrorMessage(`Hotpath: ${(err as Error).message}`);
      }
      runs.refresh();
      void vscode.window.showInformationMessage(`Hotpath: ${path.basename(dir)} is now the baseline.`);
    }),
    registerCommand(Commands.CompareWithBaseline, async (arg?: unknown) => {
      const dir = runDirOf(arg);
      if (!dir) return;
      const pinned = getBaseline(path.dirname(dir));
      if (pinned.state === 'none') return void vscode.window.showInformationMessage('Hotpath: set a baseline first (right-click a run → Set as Baseline).');
      if (pinned.state === 'gone') return void vscode.window.showErrorMessage(`Hotpath: the baseline ${pinned.id} cannot be read (${pinned.reason}); set another one.`);
      const a = readRun(pinned.dir);
      const b = readRun(dir);
      if (!a.ok || !b.ok) return void vscode.window.showErrorMessage('Hotpath: one of the two runs cannot be read.');
      // A read-only document: no Untitled tab that asks to be saved.
      const uri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${b.record.id} against ${a.record.id}.md`, query: new URLSearchParams({ base: pinned.dir, cur: dir }).toString() });
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    registerCommand(Commands.ExportReport, async (arg?: unknown) => {
      const dir = runDirOf(arg);
      if (!dir) return void vscode.window.showInformationMessage('Hotpath: no saved run to export.');
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(path.dirname(path.dirname(dir)), `hotpath-${path.basename(dir)}.md`)),
        filters: { Markdown: ['md'], JSON: ['json'] },
      });
      if (!target) return;
      const source = target.fsPath.endsWith('.json') ? 'run.json' : 'report.md';
      fs.copyFileSync(path.join(dir, source), target.fsPath);
      void vscode.window.showInformationMessage(`Hotpath: exported ${source} to ${target.fsPath}.`);
    }),
    registerCommand(Commands.ClearAnnotations, () => select(null)),
    registerCommand(Commands.RevealRunFolder, async (arg?: unknown) => {
      const dir = runDirOf(arg);
      if (dir) await revealRunFolder(dir);
    }),
    registerCommand(Commands.DeleteRun, async (arg?: unknown) => {
      const dir = runDirOf(arg);
      if (!dir) return;
      const label = arg instanceof RunItem && typeof arg.label === 'string' ? arg.label : path.basename(dir);
      if (!(await confirmAndDeleteRun(dir, label))) return;
      // A deleted run must not stay in the editor or the Report view.
      if (annotations.run?.record.id === path.basename(dir)) select(null);
      runs.refresh();
    }),
    registerCommand(Commands.ShowFlameGraph, (arg?: unknown) => {
      // From the palette during a run: follow the run (slices merged as they arrive).
      if (arg === undefined && controller!.running) {
        const live = controller!.liveFlameSource();
        if (!live) return void vscode.window.showInformationMessage('Hotpath: the first CPU profile slice arrives a few seconds into the load; try again in a moment.');
        FlameGraphPanel.show(context.extensionUri, live);
        return;
      }
      showFlameGraph(context.extensionUri, runDirOf(arg), false);
    }),
    registerCommand(Commands.CompareFlameGraphWithBaseline, (arg?: unknown) => showFlameGraph(context.extensionUri, runDirOf(arg), true)),
    vscode.commands.registerCommand(OPEN_SOURCE_COMMAND, async (loc: { file: string; line: number }) => {
      const where = locateWorkspace();
      if (!where || !loc?.file) return;
      const file = path.isAbsolute(loc.file) ? loc.file : path.join(path.dirname(where.configFile), loc.file);
      const line = Math.max(0, (loc.line ?? 1) - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(line, 0, line, 0) });
    }),
  );
  const timer = setTimeout(() => annotateNewest(select), 500);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  // VS Code's own figure (Developer: Show Running Extensions) adds the bundle's load time; see BENCHMARKS.md.
  output.appendLine(`Hotpath activated in ${(performance.now() - activationStart).toFixed(1)} ms (activate() alone).`);
}

/** The flame graph of a saved run; with `diff`, coloured against the pinned baseline. */
function showFlameGraph(extensionUri: vscode.Uri, dir: string | undefined, diff: boolean): void {
  if (!dir) return void vscode.window.showInformationMessage('Hotpath: no saved run yet; run a benchmark first.');
  let baselineDir: string | undefined;
  if (diff) {
    const pinned = getBaseline(path.dirname(dir));
    if (pinned.state !== 'set') return void vscode.window.showInformationMessage('Hotpath: set a baseline first (right-click a run → Set as Baseline).');
    baselineDir = pinned.dir;
  }
  try {
    FlameGraphPanel.show(extensionUri, flameSourceOfRun(dir, baselineDir));
  } catch (err) {
    void vscode.window.showErrorMessage(`Hotpath: ${(err as Error).message}`);
  }
}

/** Earlier versions kept the baseline in workspace state; the run store now holds it for the CLI and CI too. */
function migrateBaseline(context: vscode.ExtensionContext): void {
  const old = context.workspaceState.get<string>(BASELINE_KEY);
  if (!old) return;
  try {
    if (!baselineId(path.dirname(old))) setBaseline(path.dirname(old), path.basename(old));
  } catch {
    // The old baseline is gone: nothing to carry over.
  }
  void context.workspaceState.update(BASELINE_KEY, undefined);
}

/** Shows the newest run's annotations once the window has settled (not on the activation path). */
function annotateNewest(select: (record: RunRecord | null) => void): void {
  const where = locateWorkspace();
  if (!where) return;
  const newest = listRunSummaries(where.runsDir).find((r) => r.ok);
  const run = newest ? readRun(newest.dir) : null;
  if (run?.ok) select(run.record);
}

/** Key figures side by side; the statistical comparison lives in `hotpath compare`. */
function quickComparison(base: import('../engine/runRecord').RunRecord, cur: import('../engine/runRecord').RunRecord): string {
  const row = (name: string, a: number | undefined, b: number | undefined, unit: string) => {
    if (a === undefined || b === undefined) return `| ${name} | – | – | – |`;
    const change = a === 0 ? '–' : `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%`;
    return `| ${name} | ${formatMeasure(a, unit)} | ${formatMeasure(b, unit)} | ${change} |`;
  };
  return [
    `# Hotpath: ${cur.id} against baseline ${base.id}`,
    '',
    '| Metric | Baseline | This run | Change |',
    '| --- | ---: | ---: | ---: |',
    row('Throughput', base.load?.throughputRps.mean, cur.load?.throughputRps.mean, 'rps'),
    row('Latency p50', base.load?.latencyMs.p50, cur.load?.latencyMs.p50, 'ms'),
    row('Latency p95', base.load?.latencyMs.p95, cur.load?.latencyMs.p95, 'ms'),
    row('Latency p99', base.load?.latencyMs.p99, cur.load?.latencyMs.p99, 'ms'),
    row('Errors', base.load?.errors.total, cur.load?.errors.total, ''),
    '',
    '_Differences of single runs on a shared machine can be noise; no significance test is applied here._',
    '',
  ].join('\n');
}

export async function deactivate(): Promise<void> {
  await controller?.dispose();
  controller = undefined;
}
