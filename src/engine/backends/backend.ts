// Profiler backends other than the built-in inspector.
//
// The runner's default ("inspector") attaches to the service over the
// DevTools protocol and needs nothing installed. The backends here wrap the
// service in another tool's launcher instead — `0x … -- node server.js`,
// `clinic doctor … -- node server.js` — so the process Hotpath starts is the
// tool, and the service is its child (same process group, which
// ServiceProcess kills as a whole). Each backend is a small strategy:
//
//   check()      before anything starts: is the tool installed, can it run
//                this service? (throws the one sentence the user sees)
//   prepare()    the command line and environment to start instead of the service
//   afterReady() once the service answers: find the service process under the tool
//   stop()       end the run: let the tool stop the service and write its
//                output, then import that output into Hotpath's model
//                (a `.cpuprofile`, a `.heapprofile`, Doctor's verdict)
//
// What ships: the .vsix contains none of these tools (0x is about 30 MB of
// node_modules, Clinic.js about 150 MB). They are found in the workspace's
// node_modules/.bin (or a folder above it) or on PATH; when missing, the run
// stops before it starts with one sentence naming the install command
// (see toolLocator.ts).

import type { ProfileBackend } from '../config';
import type { CpuProfile } from '../cpu/cpuProfile';
import type { Finding } from '../runRecord';
import type { ServiceProcess } from '../serviceProcess';
import type { SourceMapResolver } from '../sourceMaps';

export interface LaunchSpec {
  /** The workspace root (the config file's folder). */
  root: string;
  /** The service's working directory. */
  cwd: string;
  /** The node executable from service.command (already resolved against cwd when it is a path). */
  node: string;
  /** Node options for the service process itself (e.g. the probe's --require), placed right after node. */
  nodeArgs: string[];
  /** service.args: the script and its arguments. */
  args: string[];
  /** The service's environment (PORT, service.env, the probe socket). */
  env: NodeJS.ProcessEnv;
  /** The (staged) run directory; the tool's output goes into a folder inside it. */
  runDir: string;
  /** The load's planned length, to bound how long the tool may take to write its output. */
  loadSeconds: number;
}

export interface Launch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** `run.json` `profiler`: which tool profiled the run and what it left in the run folder. */
export interface ProfilerRecord {
  backend: Exclude<ProfileBackend, 'inspector'>;
  tool: '0x' | 'clinic';
  version: string | null;
  /** The tool's command line as started (the service's own command follows `--`). */
  command: string[];
  /** What the tool wrote that is kept in the run folder, relative to it. */
  files: string[];
  /** Sentences about what could not be imported, if anything. */
  problems: string[];
}

export interface HeapHotspot {
  name: string;
  file: string;
  line: number;
  column: number;
  selfBytes: number;
  selfPct: number;
}

/** `run.json` `clinic`: what Clinic.js concluded, and where its report is. */
export interface ClinicRecord {
  tool: 'doctor' | 'flame' | 'heapprofiler';
  version: string | null;
  /** Clinic's self-contained HTML report, relative to the run folder. */
  htmlReport: string | null;
  /** Clinic's data folder or file, relative to the run folder. */
  data: string | null;
  /** Doctor only: the issue category and Clinic's own words for it. */
  verdict?: { category: string; title: string; summary: string[] } | null;
  /** Doctor only: per-metric findings ("performance" = an issue, "none", "data" = not enough data). */
  issues?: Record<string, unknown> | null;
  /** Heap Profiler only: functions that allocated the most of what was still alive when sampling stopped. */
  allocationHotspots?: HeapHotspot[];
}

export interface BackendResult {
  cpuProfile: CpuProfile | null;
  /** The sampling interval of `cpuProfile`, in microseconds. */
  samplingIntervalMicros: number;
  /** A DevTools sampling heap profile, written as heap.heapprofile. */
  heapProfile: unknown | null;
  profiler: ProfilerRecord;
  clinic?: ClinicRecord;
  findings: Finding[];
}

export interface StopOptions {
  /** False when the service never became ready: kill it, import nothing. */
  collect: boolean;
  /** Progress sentences for the front ends (the tools take seconds to write their reports). */
  onStatus?: (message: string) => void;
  /** Maps generated positions to original sources in imported data (heap hotspots). */
  sourceMaps?: SourceMapResolver;
}

export interface ProfilerBackend {
  readonly name: Exclude<ProfileBackend, 'inspector'>;
  check(root: string, cwd: string, serviceCommand: string): void;
  prepare(spec: LaunchSpec): Promise<Launch>;
  afterReady(service: ServiceProcess): Promise<void>;
  /** The service's own process (a child of the tool), once known. */
  servicePid(): number | null;
  stop(service: ServiceProcess, options: StopOptions): Promise<BackendResult | null>;
  /** Releases what prepare() created; safe to call more than once. */
  dispose(): Promise<void>;
}
