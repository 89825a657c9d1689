// profile.backend "0x": `0x --output-dir RUN/0x --on-port SWITCH -- node server.js`.
//
// 0x runs the service under V8's tick profiler (`node --prof`). When the
// switch ends, it closes the service, preprocesses the V8 log
// (`node --prof-process --preprocess`) into JSON and renders its flame graph.
// Hotpath imports that JSON as cpu.cpuprofile (v8LogProfile.ts), keeps only
// the ticks from readiness to the end of the load (as the inspector backend
// does), and keeps 0x's self-contained flamegraph.html in RUN/0x/. The raw and
// preprocessed V8 logs (several MB per second of load) are deleted once imported.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { ServiceProcess } from '../serviceProcess';
import type { BackendResult, LaunchSpec, StopOptions } from './backend';
import { cpuProfileFromV8Log, V8_PROF_INTERVAL_MICROS, V8LogJson } from './v8LogProfile';
import { WrapperBackend } from './wrapperBackend';

export const ZERO_X_DIR = '0x';

export class ZeroXBackend extends WrapperBackend {
  readonly name = '0x' as const;
  protected readonly tool = '0x' as const;

  private outDir(): string {
    return path.join(this.spec!.runDir, ZERO_X_DIR);
  }

  private workDir(): string {
    // The V8 log is written here, then moved into the output folder (which must differ).
    return path.join(this.spec!.runDir, '.0x-work');
  }

  protected toolArgs(spec: LaunchSpec, onPort: string): string[] {
    this.spec = spec;
    fs.mkdirSync(this.workDir(), { recursive: true });
    return ['--output-dir', this.outDir(), '--working-dir', this.workDir(), '--quiet', '--on-port', onPort];
  }

  async stop(service: ServiceProcess, options: StopOptions): Promise<BackendResult | null> {
    const finished = await this.stopTool(service, options);
    if (!options.collect || !this.spec) {
      this.cleanUp();
      return null;
    }
    const problems: string[] = [];
    if (!finished) problems.push('0x did not finish writing its output in time and was stopped; what it had written is imported.');
    const dir = this.outDir();
    const listing = safeList(dir);
    let log: V8LogJson | null = null;
    const json = listing.find((n) => /^isolate-.*-v8\.log\.json$/.test(n) || /^isolate-.*-v8\.json$/.test(n));
    const raw = listing.find((n) => /^isolate-.*-v8\.log$/.test(n)) ?? safeList(this.workDir()).find((n) => /^isolate-.*-v8\.log$/.test(n));
    try {
      if (json) log = JSON.parse(fs.readFileSync(path.join(dir, json), 'utf8'));
    } catch {
      log = null;
    }
    if (!log && raw) {
      // 0x stopped before preprocessing: do it here.
      const rawPath = listing.includes(raw) ? path.join(dir, raw) : path.join(this.workDir(), raw);
      options.onStatus?.('Preprocessing the V8 log that 0x left');
      log = await preprocessV8Log(this.spec.node, rawPath).catch(() => null);
    }
    let cpuProfile = null;
    if (log) {
      const window = this.tickWindow();
      try {
        cpuProfile = cpuProfileFromV8Log(log, window);
      } catch (err) {
        problems.push(`0x's V8 log could not be read (${(err as Error).message}).`);
      }
    } else {
      problems.push(`0x wrote no V8 log to import${listing.length ? '' : ' (its output folder is empty)'}; see service.log for what it printed.`);
    }
    // Keep the flame graph and meta.json; the logs are imported into cpu.cpuprofile.
    for (const n of listing) {
      if (/^isolate-/.test(n)) fs.rmSync(path.join(dir, n), { force: true });
    }
    this.cleanUp();
    const kept = safeList(dir).map((n) => `${ZERO_X_DIR}/${n}`);
    return {
      cpuProfile,
      samplingIntervalMicros: V8_PROF_INTERVAL_MICROS,
      heapProfile: null,
      profiler: {
        backend: '0x',
        tool: '0x',
        version: this.located?.version ?? null,
        command: this.describeCommand(),
        files: kept,
        problems,
      },
      findings: [],
    };
  }

  /** Ticks from readiness to the end of the load, in the log's clock (µs since the service started). */
  private tickWindow(): { fromMicros?: number; toMicros?: number } {
    if (this.serviceStartedAt === null || this.readyAt === null) return {};
    return {
      fromMicros: Math.max(0, (this.readyAt - this.serviceStartedAt) * 1000),
      toMicros: this.loadEndedAt === null ? undefined : (this.loadEndedAt - this.serviceStartedAt) * 1000,
    };
  }

  private cleanUp(): void {
    if (this.spec) fs.rmSync(this.workDir(), { recursive: true, force: true });
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** `node --prof-process --preprocess LOG` → the JSON 0x would have written. */
export function preprocessV8Log(node: string, logFile: string): Promise<V8LogJson> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['--prof-process', '--preprocess', logFile], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`node --prof-process exited with ${code}`));
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    });
  });
}
