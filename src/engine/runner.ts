// One benchmark run: config → launch → collect → analyze → store.
// Both front ends call runBenchmark() and subscribe to its events.

import * as fs from 'fs';
import * as path from 'path';
import { LoadedConfig, substitutePort } from './config';
import { analyzeCpuProfile } from './cpu/cpuProfileModel';
import { CpuProfile } from './cpu/cpuProfile';
import { CpuProfiler } from './cpu/cpuProfiler';
import { captureEnvironment } from './environment';
import { CancellationSource, CancellationToken, CancelledError, Emitter, HotpathError } from './events';
import { freePort } from './freePort';
import { InspectorClient } from './inspectorClient';
import type { LoadResult } from './load/loadResult';
import { describeLoad, LoadRunner, preflightLoad } from './load/loadRunner';
import { applyHeapGrowth } from './load/scenarios/soak';
import { processTreeCpuSeconds } from './load/serviceCpu';
import { assertLoopbackTarget } from './load/loopbackGuard';
import { waitUntilReady } from './readiness';
import { RunEvent, RunPhase } from './runEvents';
import { RunRecord, RunStatus } from './runRecord';
import { delay, resolveCommand, ServiceProcess } from './serviceProcess';
import { evaluateBudgets, validateBudgets } from './analysis/budgets';
import { findHotPath, hotPathFinding } from './analysis/hotPath';
import { runFindings } from './analysis/runFindings';
import { scoreRecord, scoreRun } from './analysis/score';
import { ProfileClock, profileStartT, readProfileClock } from './cpu/profileClock';
import { renderMarkdown } from './report/markdownReport';
import { renderHtml } from './report/htmlReport';
import { Redactor, secretValues } from './redact';
import { compareWithPinnedBaseline } from './report/baselineComparison';
import { StagedRun, newRunId } from './store/runStore';
import { pruneRuns } from './store/retention';
import { ProbeServer } from './probeServer';
import { SourceMapResolver } from './sourceMaps';
import { ProbeCollector } from './collect/probeCollector';
import { RuntimeWindow } from './collect/runtimeWindow';
import { HeapSampler } from './collect/heapSampler';
import { HEAP_SAMPLING } from './collect/heapSampling';
import { PROBE_DISABLE_ENV, PROBE_SOCKET_ENV, ProbeFeature } from './probe/probeMessages';
import { BackendResult, createBackend } from './backends';

export interface RunOptions {
  loaded: LoadedConfig;
  /** Folder that holds run directories. */
  runsDir: string;
  token: CancellationToken;
  /** A name shown in lists; defaults to the config's folder name. */
  name?: string;
  /** The probe preload (dist/probe.js); defaults to probe.js beside the running bundle. Null: no probe. */
  probePath?: string | null;
}

export interface RunOutcome {
  status: RunStatus;
  /** The saved run directory, or null when nothing could be saved. */
  runDir: string | null;
  record: RunRecord | null;
  /** One sentence for `error`/`cancelled`. */
  error: string | null;
}

const INSPECTOR_WAIT_MS = 5000;

export class BenchmarkRun {
  readonly onEvent = new Emitter<RunEvent>();
  private readonly clockStart = Date.now();

  constructor(private readonly options: RunOptions) {}

  private t(): number {
    return Date.now() - this.clockStart;
  }

  private phase(phase: RunPhase, message: string): void {
    this.onEvent.fire({ type: 'phase', phase, message, t: this.t() });
  }

  async run(): Promise<RunOutcome> {
    const { loaded, token } = this.options;
    const startedAt = new Date(this.clockStart);
    const runId = newRunId(startedAt);
    // Checks that need no process: fail before anything starts.
    validateBudgets(loaded.config.budgets);
    const port = await freePort();
    const config = substitutePort(loaded.config, port);
    assertLoopbackTarget(config.load.target, config.load.allowNonLoopback);
    // Artillery/k6 installed, scenario file readable, every URL in it loopback: checked before anything starts.
    preflightLoad(config.load, loaded.root, port);
    // "inspector" (the default) is built in below; 0x and Clinic wrap the service in
    // their own launcher (src/engine/backends), checked here before anything starts.
    const backend = createBackend(config.profile.backend);
    backend?.check(loaded.root, path.resolve(loaded.root, config.service.cwd), config.service.command);

    const environment = captureEnvironment(loaded.root);
    const cwd = path.resolve(loaded.root, config.service.cwd);
    const isNode = path.basename(config.service.command).replace(/\.exe$/, '') === 'node';
    const inspectFlag = '--inspect=127.0.0.1:0';
    const env: NodeJS.ProcessEnv = { ...process.env, ...config.service.env, PORT: String(port) };
    // Secrets (secret-named env values, URL passwords, secret query values and flags)
    // never reach the run folder or the progress lines: see redact.ts.
    const redactor = new Redactor(secretValues(env));
    // `node` gets the flag directly; anything else (npm, a script) gets it through
    // NODE_OPTIONS and the last process to announce an inspector before readiness is used.
    const nodeOptions = [env.NODE_OPTIONS, isNode || backend ? '' : inspectFlag];
    const probeArgs: string[] = [];

    // The probe goes in through NODE_OPTIONS so children and cluster workers load it too.
    const probePath = this.options.probePath === undefined ? path.join(__dirname, 'probe.js') : this.options.probePath;
    const sourceMaps = new SourceMapResolver();
    const collector = new ProbeCollector(this.clockStart, loaded.root, config.analysis.nPlusOne, sourceMaps);
    let probeServer: ProbeServer | null = null;
    if (probePath && fs.existsSync(probePath)) {
      probeServer = new ProbeServer();
      env[PROBE_SOCKET_ENV] = await probeServer.start();
      const disabled: ProbeFeature[] = [];
      if (!config.profile.gc) disabled.push('gc');
      if (!config.profile.queries) disabled.push('queries');
      if (disabled.length) env[PROBE_DISABLE_ENV] = disabled.join(',');
      // Under 0x/Clinic the probe goes on the service's own node command line:
      // through NODE_OPTIONS it would load into their launcher too (and Clinic
      // Heap Profiler replaces NODE_OPTIONS).
      if (backend) probeArgs.push(`--require=${probePath}`);
      else nodeOptions.push(`--require=${quoteNodeOption(probePath)}`);
    }
    env.NODE_OPTIONS = nodeOptions.filter(Boolean).join(' ');
    const args = isNode ? [inspectFlag, ...config.service.args] : config.service.args;

    let status: RunStatus = 'passed';
    let errorMessage: string | null = null;
    let readyMs: number | null = null;
    let load: LoadResult | null = null;
    let heapProfile: unknown = null;
    let profileClock: ProfileClock | null = null;
    let client: InspectorClient | null = null;
    let profiler: CpuProfiler | null = null;
    let backendResult: BackendResult | null = null;

    // The run's own cancellation: the caller's token, or the service dying mid-run.
    const internal = new CancellationSource();
    const sub = token.onCancelled((reason) => internal.cancel(reason));

    this.phase('starting', redactor.text(`Starting ${config.service.command} ${config.service.args.join(' ')} on port ${port}`));
    let staged: StagedRun;
    try {
      staged = StagedRun.create(this.options.runsDir, runId);
    } catch (err) {
      await probeServer?.close();
      throw err;
    }
    let mainPid: number | null = null;
    let heapSampler: HeapSampler | null = null;
    const runtime = new RuntimeWindow(this.clockStart);
    probeServer?.onMessage((msg) => {
      const sample = collector.handle(msg);
      const main = msg.pid === (mainPid ?? service.pid);
      if (sample && main) this.onEvent.fire({ type: 'processSample', sample });
      const live = main ? runtime.add(msg) : null;
      if (live) this.onEvent.fire({ type: 'runtimeSample', sample: live });
    });
    let launch: { command: string; args: string[]; env: NodeJS.ProcessEnv } | null = null;
    if (backend) {
      try {
        launch = await backend.prepare({
          root: loaded.root,
          cwd,
          node: resolveCommand(config.service.command, cwd),
          nodeArgs: probeArgs,
          args: config.service.args,
          env,
          runDir: staged.dir,
          loadSeconds: config.load.stages.reduce((sum, s) => sum + s.durationSec, 0),
        });
      } catch (err) {
        await backend.dispose();
        await probeServer?.close();
        staged.discard();
        throw err;
      }
    }
    const service = new ServiceProcess({
      command: launch ? launch.command : resolveCommand(config.service.command, cwd),
      args: launch ? launch.args : args,
      cwd,
      env: launch ? launch.env : env,
      logFile: staged.file('service.log'),
    });
    service.onLine.event((l) => {
      if (!/^(Debugger listening on|For help, see: https:\/\/nodejs.org|Debugger attached\.)/.test(l.line)) {
        this.onEvent.fire({ type: 'log', stream: l.stream, line: l.line });
      }
    });
    service.onLine.event((l) => {
      // With a debugger attached, a dying Node process waits for it: let it go.
      if (l.line.startsWith('Waiting for the debugger to disconnect')) client?.close();
    });
    let crashed = false;
    service.onExit.event((exit) => {
      if (readyMs !== null && !internal.token.isCancelled()) {
        crashed = true;
        const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
        internal.cancel(`The service ${how} during the run; the data collected until then is saved (see service.log).`);
      }
    });

    try {
      readyMs = await waitUntilReady(config.service.readyUrl, config.service.readyTimeoutMs, service, internal.token);
      if (backend) {
        await backend.afterReady(service);
        mainPid = backend.servicePid();
      }
      const inspectorUrl = backend ? null : await this.waitForInspector(service, isNode);
      this.phase('ready', `Service ready in ${readyMs} ms${backend ? ` under ${config.profile.backend}` : ''}`);

      client = inspectorUrl ? await InspectorClient.connect(inspectorUrl) : null;
      if (client) {
        // The inspected process is the service (behind npm it is not the pid we spawned).
        const inspected = client;
        const pid = await inspected
          .send<{ result: { value?: unknown } }>('Runtime.evaluate', { expression: 'process.pid', returnByValue: true })
          .then((r) => (typeof r.result.value === 'number' ? r.result.value : null))
          .catch(() => null);
        if (pid !== null) {
          mainPid = pid;
          collector.preferEngineMemory(pid);
          heapSampler = new HeapSampler(inspected, pid, this.clockStart, () => collector.lastProbeMemoryOf(pid));
          heapSampler.onSample.event((sample) => {
            collector.addEngineSample(pid, sample);
            this.onEvent.fire({ type: 'processSample', sample });
          });
          heapSampler.start();
        }
      }
      if (client && config.profile.cpu) {
        profileClock = await readProfileClock(client);
        profiler = new CpuProfiler(client, config.profile.samplingIntervalMicros, config.profile.sliceSeconds * 1000);
        profiler.onSlice.event((s) =>
          this.onEvent.fire({ type: 'cpuSlice', index: s.index, samples: s.profile.samples.length, t: this.t(), profile: s.profile }),
        );
        await profiler.start();
      }
      if (client && config.profile.heap) {
        await client.send('HeapProfiler.enable');
        // Interval and flags chosen from measured overhead: see heapSampling.ts.
        await client.send('HeapProfiler.startSampling', HEAP_SAMPLING);
      }

      this.phase('load', describeLoad(config.load));
      const loadRunner = new LoadRunner();
      loadRunner.onTick.event((tick) => this.onEvent.fire({ type: 'loadTick', tick }));
      // Stages of a scenario (stress steps, the spike…) are announced as 'load' phase events.
      loadRunner.onStage.event((s) => this.phase('load', s.message));
      load = await loadRunner.run({
        load: config.load,
        root: loaded.root,
        port,
        clockStart: this.clockStart,
        token: internal.token,
        serviceCpuSeconds: () => processTreeCpuSeconds(service.pid),
        artifactDir: staged.dir,
      });
      if (internal.token.isCancelled()) throw new CancelledError(internal.token.reason());
      const unanswered = nothingAnswered(load, config.load.target);
      if (unanswered) throw new HotpathError(unanswered);
    } catch (err) {
      if (err instanceof CancelledError || internal.token.isCancelled()) {
        status = crashed ? 'error' : 'cancelled';
        errorMessage = internal.token.reason() || (err as Error).message;
      } else {
        status = 'error';
        errorMessage = err instanceof HotpathError ? err.message + (err.detail ?? '') : `Unexpected error: ${(err as Error).stack ?? err}`;
      }
    } finally {
      this.phase('stopping', 'Stopping the service');
      heapSampler?.stop();
      if (profiler) await profiler.stop().catch(() => undefined);
      if (client?.isOpen && config.profile.heap) {
        heapProfile = await client
          .send<{ profile: unknown }>('HeapProfiler.stopSampling')
          .then((r) => r.profile)
          .catch(() => null);
      }
      client?.close();
      if (backend) {
        // The tool stops the service itself, then writes and imports its output.
        backendResult = await backend
          .stop(service, { collect: readyMs !== null, sourceMaps, onStatus: (m) => this.phase('stopping', m) })
          .catch((err) => {
            errorMessage ??= `${config.profile.backend}'s output could not be imported: ${(err as Error).message}`;
            if (status === 'passed') status = 'error';
            return null;
          });
        await backend.dispose();
        heapProfile = backendResult?.heapProfile ?? null;
      }
      await service.stop();
      await probeServer?.close();
      sub.dispose();
    }

    mainPid = mainPid ?? service.pid ?? null;
    // Nothing was measured: a failed start is reported, not saved as a run.
    if (readyMs === null) {
      staged.discard();
      if (status === 'cancelled') return { status, runDir: null, record: null, error: errorMessage };
      throw new HotpathError(redactor.text(errorMessage ?? 'The service did not start.'));
    }

    this.phase('analyzing', 'Analysing the profile');
    const record: RunRecord = {
      schemaVersion: 1,
      id: runId,
      name: this.options.name ?? path.basename(loaded.root),
      startedAt: startedAt.toISOString(),
      durationMs: this.t(),
      status,
      error: errorMessage,
      environment: await environment,
      service: { command: config.service.command, args: config.service.args, port, readyMs },
      scenario: config.load.scenario,
      load: load ? { ...withoutGeneratorTotal(load), scenario: config.load.scenario } : null,
      cpu: null,
      heap: null,
      gc: null,
      eventLoop: null,
      queries: null,
      budgets: [],
      findings: [],
    };
    let mergedProfile: CpuProfile | null = null;
    const importedProfile = backendResult?.cpuProfile ?? null;
    const locate = { root: loaded.root, sourceMaps, instrumentationFiles: probePath ? [path.resolve(probePath)] : [] };
    const mergedSlices = profiler && profiler.merged.sliceCount > 0 ? profiler.merged : null;
    if (mergedSlices || importedProfile) {
      const merged = (mergedProfile = importedProfile ?? mergedSlices!.profile());
      staged.writeFile('cpu.cpuprofile', JSON.stringify(merged));
      const summary = analyzeCpuProfile(merged, { root: loaded.root, sourceMaps, instrumentationFiles: probePath ? [path.resolve(probePath)] : [] });
      record.cpu = {
        profile: 'cpu.cpuprofile',
        samplingIntervalMicros: backendResult ? backendResult.samplingIntervalMicros : config.profile.samplingIntervalMicros,
        slices: importedProfile ? 1 : profiler!.sliceCount,
        durationMs: summary.durationMs,
        busyMs: summary.busyMs,
        buckets: summary.buckets,
        hotFunctions: summary.hotFunctions,
        hotLines: summary.hotLines,
      };
      // Only the inspector's own slices are on the run's clock (0x and Clinic profiles are not).
      if (!importedProfile && profileClock) record.cpu.startT = profileStartT(merged, profileClock, this.clockStart);
      const hotPath = hotPathFinding(findHotPath(merged, locate));
      if (hotPath) record.findings.push(hotPath);
    }
    if (backendResult) {
      record.profiler = backendResult.profiler;
      if (backendResult.clinic) record.clinic = backendResult.clinic;
      record.findings.push(...backendResult.findings);
    }
    this.addProbeData(record, collector.finish(mainPid, record.durationMs));
    applyHeapGrowth(record.load, record.heap);
    if (load?.histogram) staged.writeFile('latency.hdr', load.histogram);
    if (heapProfile) {
      staged.writeFile('heap.heapprofile', JSON.stringify(heapProfile));
      record.heap = { ...(record.heap ?? { timeline: [], growthPct: null }), profile: 'heap.heapprofile' };
    }
    const cpuOnClock = mergedProfile && record.cpu?.startT !== undefined ? { profile: mergedProfile, startT: record.cpu.startT } : null;
    record.findings.push(...runFindings(record, config.analysis, { cpu: cpuOnClock, heapProfile }, locate));
    if (status === 'passed') {
      // The full latency histogram, so any k6 percentile (p(99.9)), min and the exact avg can be judged.
      record.budgets = evaluateBudgets(config.budgets, record, { latencyHdr: load?.histogram ?? null });
      if (record.budgets.some((b) => !b.passed)) record.status = status = 'failed';
    }
    if (status === 'passed' || status === 'failed') record.score = scoreRecord(scoreRun(record));
    // A pinned baseline is compared now, so report.md and run.json carry it (never fails the run).
    const comparison = compareWithPinnedBaseline(this.options.runsDir, record, staged.dir);
    if (comparison) record.comparison = comparison;
    redactor.inPlace(record);
    redactor.file(staged.file('service.log'));
    staged.writeFile('report.md', renderMarkdown(record));
    staged.writeFile('report.html', renderHtml(record, { cpuProfile: mergedProfile }));
    const runDir = staged.commit(record);
    // store.keepRuns: the oldest runs beyond it go (never this one, the baseline or a damaged run); never throws.
    if (config.store.keepRuns !== null) pruneRuns(this.options.runsDir, { keep: config.store.keepRuns, protect: [runId] });
    this.phase('saved', `Saved ${runDir}`);
    return { status, runDir, record, error: errorMessage === null ? null : redactor.text(errorMessage) };
  }

  private addProbeData(record: RunRecord, data: ReturnType<ProbeCollector['finish']>): void {
    record.processes = data.processes;
    if (data.heap) record.heap = { profile: null, timeline: data.heap.timeline, growthPct: data.heap.growthPct, growth: data.heap.growth };
    record.gc = data.gc;
    record.eventLoop = data.eventLoop;
    record.queries = data.queries;
    for (const n of data.queries?.nPlusOne ?? []) {
      record.findings.push({
        kind: 'n-plus-one',
        severity: 'warning',
        message: `N+1 queries on ${n.route}: "${n.query}" runs ${n.count} times per request from the same line (${n.totalMs} ms per request, seen in ${n.requests} requests). Load the rows in one query (WHERE … IN (…) or a join) instead of one per item.`,
        location: { file: n.callSite.file, line: n.callSite.line, column: n.callSite.column },
      });
    }
  }

  /**
   * `node` itself announces first (children it forks inherit --inspect and
   * announce later); behind a launcher (npm, a shell script) the launcher
   * announces first and the service last before readiness.
   */
  private async waitForInspector(service: ServiceProcess, isNode: boolean): Promise<string> {
    const deadline = Date.now() + INSPECTOR_WAIT_MS;
    while (service.inspectorUrls.length === 0 && Date.now() < deadline && !service.exit) await delay(20);
    const url = isNode ? service.inspectorUrls[0] : service.inspectorUrls[service.inspectorUrls.length - 1];
    if (!url) {
      throw new HotpathError(
        'The service became ready but no Node.js inspector was announced: Hotpath profiles Node.js processes; check that service.command starts node (directly or through npm) and that NODE_OPTIONS is not overridden.',
      );
    }
    return url;
  }
}

function withoutGeneratorTotal(load: LoadResult): Omit<LoadResult, 'generatorTotal' | 'histogram'> {
  const { generatorTotal: _ignored, histogram: _saved, ...rest } = load;
  return rest;
}

/** NODE_OPTIONS splits on spaces; a path with spaces must be quoted. */
function quoteNodeOption(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
}

/**
 * A load that got no answer at all measured nothing about the service: the run
 * is saved (its errors are the evidence) but as an error, not as a pass that
 * budgets without an error-rate limit would let through.
 */
export function nothingAnswered(load: LoadResult | null, target: string): string | null {
  if (!load || load.requests.total > 0 || load.errors.total === 0) return null;
  const e = load.errors;
  const kind = e.connection === e.total ? 'could not connect' : e.timeouts === e.total ? 'timed out' : 'got no answer';
  return (
    `No request was answered: all ${e.total} attempts to ${target} ${kind}, so nothing about the service was measured; ` +
    'check that load.target points at the port the service listens on (use ${port}, which the service also gets as PORT).'
  );
}
