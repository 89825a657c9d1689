// Runs a benchmark from VS Code: engine events → progress notification, status
// bar, output channel and the live dashboard. Owns the one active run.

import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CancellationSource, HotpathError } from '../engine/events';
import type { RunOutcome } from '../engine/runner';
import type { DashboardState, ToDashboard } from '../protocol/dashboard';
import { Commands, ContextKeys, setting } from './contributions';
import { DashboardPanel } from './dashboardPanel';
import { FlameGraphPanel, flameSourceOfRun, type FlameSource } from './flameGraphPanel';
import { formatMs, formatRps } from './format';
import { locateWorkspace } from './workspaceRuns';

const MAX_POINTS = 3600;

export class RunController implements vscode.Disposable {
  private active: { cancel: CancellationSource; done: Promise<unknown> } | null = null;
  private readonly statusBar = vscode.window.createStatusBarItem('hotpath.status', vscode.StatusBarAlignment.Left, 50);
  private readonly finished = new vscode.EventEmitter<RunOutcome>();
  readonly onDidFinishRun = this.finished.event;
  private state: DashboardState = { runId: null, title: 'Hotpath', phase: 'idle', message: 'No run yet.', ticks: [], samples: [], runtime: [] };
  private dashboard: DashboardPanel | undefined;
  private lastRunDir: string | null = null;
  /** While a run goes and at least one CPU slice has arrived: the live flame graph's source. */
  private liveFlame: (() => FlameSource) | null = null;

  /** The running benchmark's flame graph so far, or null when no run is going or no slice came yet. */
  liveFlameSource(): FlameSource | null {
    return this.liveFlame ? this.liveFlame() : null;
  }

  get running(): boolean {
    return this.active !== null;
  }

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
  ) {
    this.statusBar.name = 'Hotpath';
    this.statusBar.command = Commands.ShowDashboard;
  }

  get isRunning(): boolean {
    return this.active !== null;
  }

  showDashboard(): void {
    const existing = this.dashboard;
    this.dashboard = DashboardPanel.createOrShow(this.extensionUri, () => this.state);
    if (this.dashboard !== existing) {
      const panel = this.dashboard;
      panel.onDidRequestOpenReport(() => {
        if (this.lastRunDir) void vscode.commands.executeCommand(Commands.OpenReport, this.lastRunDir);
      });
      panel.onDidDispose(() => {
        if (this.dashboard === panel) this.dashboard = undefined;
      });
    }
  }

  async run(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Hotpath does not start anything in an untrusted workspace: running a benchmark executes the command in hotpath.config.json. Trust this workspace (Manage Workspace Trust) to run it.',
      );
      return;
    }
    if (this.active) {
      void vscode.window.showInformationMessage('A Hotpath benchmark is already running; stop it first (Hotpath: Stop Benchmark).');
      return;
    }
    const where = locateWorkspace();
    if (!where) {
      void vscode.window.showErrorMessage('Hotpath needs an open folder with a hotpath.config.json: open your service\'s folder first.');
      return;
    }
    // Zero-config start: no config yet, so offer to write one, then run it.
    if (!fs.existsSync(where.configFile)) {
      const { runSetupWizard } = await import(/* webpackChunkName: "setup" */ './setupWizard');
      if (!(await runSetupWizard(where.folder, where.configFile, this.extensionUri))) return;
    }
    if (this.active) return;
    // Config parsing, the runner (load generator, inspector client, analysis) and what they
    // import are one chunk, loaded on the first run rather than at activation.
    const [{ loadConfig }, { settingDefaults, withSettingDefaults }, { BenchmarkRun }, { ProfileAccumulator }] = await Promise.all([
      import(/* webpackChunkName: "runner" */ '../engine/config'),
      import(/* webpackChunkName: "runner" */ './settingsDefaults'),
      import(/* webpackChunkName: "runner" */ '../engine/runner'),
      import(/* webpackChunkName: "runner" */ '../engine/cpu/mergeProfiles'),
    ]);
    if (this.active) return;
    let loaded;
    try {
      loaded = loadConfig(where.configFile);
    } catch (err) {
      this.showError(err);
      return;
    }
    // The config file wins; settings are the defaults for what it does not say.
    try {
      loaded = withSettingDefaults(loaded, settingDefaults(where.folder.uri));
    } catch (err) {
      this.showError(err);
      return;
    }

    const cancel = new CancellationSource();
    const run = new BenchmarkRun({ loaded, runsDir: where.runsDir, token: cancel.token, name: where.folder.name });
    this.state = { runId: null, title: `${where.folder.name}: ${loaded.config.load.scenario}`, phase: 'starting', message: 'Starting…', ticks: [], samples: [], runtime: [] };
    if (setting('dashboard.openOnRun', where.folder.uri)) this.showDashboard();
    this.post({ type: 'snapshot', state: this.state });

    this.output.appendLine(`--- ${new Date().toLocaleString()} Run Benchmark (${path.relative(where.folder.uri.fsPath, where.configFile)}) ---`);
    void vscode.commands.executeCommand('setContext', ContextKeys.Running, true);
    this.statusBar.text = '$(loading~spin) Hotpath: starting';
    this.statusBar.tooltip = 'Hotpath benchmark running: click for the live dashboard';
    this.statusBar.show();

    const totalLoadSec = loaded.config.load.stages.reduce((s, st) => s + st.durationSec, 0);
    const done = Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Hotpath', cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => cancel.cancel('The run was cancelled from VS Code.'));
        const liveSlices = new ProfileAccumulator({ samples: false });
        this.liveFlame = null;
        let loadStart = 0;
        let reported = 0;
        run.onEvent.event((e) => {
          switch (e.type) {
            case 'phase':
              if (e.phase === 'load') loadStart = e.t;
              this.state.phase = e.phase;
              this.state.message = e.message;
              this.post({ type: 'phase', phase: e.phase, message: e.message });
              progress.report({ message: e.message });
              this.output.appendLine(`[hotpath] ${e.message}`);
              break;
            case 'log':
              this.output.appendLine(`[service ${e.stream}] ${e.line}`);
              break;
            case 'loadTick': {
              push(this.state.ticks, e.tick);
              this.post({ type: 'tick', tick: e.tick });
              const fraction = Math.min(1, (e.tick.t - loadStart) / 1000 / totalLoadSec);
              const increment = Math.max(0, fraction * 100 - reported);
              reported += increment;
              progress.report({ increment, message: `${e.tick.rps.toFixed(0)} req/s, p95 ${e.tick.p95.toFixed(1)} ms` });
              this.statusBar.text = `$(pulse) ${e.tick.rps.toFixed(0)} req/s · p95 ${e.tick.p95.toFixed(1)} ms`;
              break;
            }
            case 'processSample':
              push(this.state.samples, e.sample);
              this.post({ type: 'sample', sample: e.sample });
              break;
            case 'runtimeSample':
              push(this.state.runtime!, e.sample);
              this.post({ type: 'runtime', sample: e.sample });
              break;
            case 'cpuSlice':
              // The live flame graph: each slice merged into one tree as it arrives (without the
              // sample timeline, so a long run costs the host no more than its distinct call paths),
              // sent only while a flame graph panel follows this run.
              liveSlices.add(e.profile);
              if (liveSlices.sliceCount === 0) break;
              this.liveFlame = () => ({ title: this.state.title, profile: liveSlices.profile(), live: true });
              if (FlameGraphPanel.showingLive) FlameGraphPanel.update(this.liveFlame());
              break;
          }
        });
        try {
          const outcome = await run.run();
          this.finish(outcome);
        } catch (err) {
          this.state.phase = 'failed';
          this.state.message = err instanceof Error ? err.message : String(err);
          this.post({ type: 'phase', phase: 'failed', message: this.state.message });
          this.showError(err);
        }
      },
    ));
    this.active = { cancel, done };
    try {
      await done;
    } finally {
      this.active = null;
      this.liveFlame = null;
      this.statusBar.hide();
      void vscode.commands.executeCommand('setContext', ContextKeys.Running, false);
    }
  }

  async stop(): Promise<void> {
    if (!this.active) return;
    this.active.cancel.cancel('The run was stopped (Hotpath: Stop Benchmark).');
    await this.active.done;
  }

  private finish(outcome: RunOutcome): void {
    const phase = outcome.status === 'passed' || outcome.status === 'failed' ? 'done' : outcome.status === 'cancelled' ? 'cancelled' : 'failed';
    const r = outcome.record;
    const message = r?.load
      ? `${outcome.status}: ${formatRps(r.load.throughputRps.mean)} req/s, p95 ${formatMs(r.load.latencyMs.p95)}, errors ${(r.load.errors.rate * 100).toFixed(2)}%`
      : outcome.error ?? outcome.status;
    this.state.runId = r?.id ?? null;
    this.lastRunDir = outcome.runDir;
    this.state.phase = phase;
    this.state.message = message;
    this.post({ type: 'phase', phase, message });
    this.output.appendLine(`[hotpath] ${message}${outcome.runDir ? ` (saved to ${outcome.runDir})` : ''}`);
    this.finished.fire(outcome);
    // A flame graph that followed the run now shows what was saved (source-mapped).
    if (FlameGraphPanel.showingLive && outcome.runDir && fs.existsSync(path.join(outcome.runDir, 'cpu.cpuprofile'))) {
      try {
        FlameGraphPanel.update(flameSourceOfRun(outcome.runDir));
      } catch (err) {
        this.output.appendLine(`[hotpath] The flame graph could not read the saved profile: ${(err as Error).message}`);
      }
    }
    if (outcome.status === 'error' || outcome.status === 'cancelled') {
      void vscode.window.showWarningMessage(`Hotpath: ${outcome.error ?? outcome.status}`);
    } else {
      void vscode.window
        .showInformationMessage(`Hotpath run ${message}`, 'Open Report')
        .then((choice) => choice && vscode.commands.executeCommand(Commands.OpenReport, outcome.runDir));
    }
  }

  private post(message: ToDashboard): void {
    this.dashboard?.post(message);
  }

  private showError(err: unknown): void {
    const message = err instanceof HotpathError ? err.message : err instanceof Error ? err.message : String(err);
    if (err instanceof HotpathError && err.detail) this.output.appendLine(err.detail);
    this.output.appendLine(`[hotpath] ${message}`);
    void vscode.window.showErrorMessage(`Hotpath: ${message}`, 'Show Log').then((c) => c && this.output.show(true));
  }

  /** Deactivation: stop the run and wait until every process is gone. */
  async dispose(): Promise<void> {
    this.statusBar.dispose();
    this.finished.dispose();
    await this.stop();
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_POINTS) list.splice(0, list.length - MAX_POINTS);
}
