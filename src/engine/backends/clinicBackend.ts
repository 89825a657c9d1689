// profile.backend "clinic-doctor" | "clinic-flame" | "clinic-heapprofiler":
// `clinic TOOL --open=false --dest RUN/clinic --on-port SWITCH -- node server.js`
// with NO_INSIGHT=1 (without it Clinic 13 waits on a telemetry question and,
// with no terminal, does nothing and exits 0) and NO_UPDATE_NOTIFIER=1.
//
// Clinic writes RUN/clinic/<pid>.clinic-<tool>(/) (its data) and
// RUN/clinic/<pid>.clinic-<tool>.html (its report), both kept. Imported:
// - doctor: the verdict from the report's embedded `clinic-data` JSON
//   (`analysis.issues`, `analysis.issueCategory`) into run.json `clinic` and a
//   finding, with Clinic's own title and summary for the category;
// - flame: its tick stacks (Clinic Flame is 0x underneath) as cpu.cpuprofile;
//   they carry no times, so every tick counts 1 ms and the profile covers the
//   whole life of the service, start-up included. The samples file (several MB
//   per second of load) is deleted once imported; the HTML embeds its own copy;
// - heapprofiler: its file is a DevTools sampling heap profile, saved as
//   heap.heapprofile, with the top allocating functions in run.json `clinic`.
//   Clinic samples without the flags that keep collected objects, so it shows
//   what was still alive when sampling stopped, not everything allocated.

import * as fs from 'fs';
import * as path from 'path';
import type { ServiceProcess } from '../serviceProcess';
import type { Finding } from '../runRecord';
import type { SourceMapResolver } from '../sourceMaps';
import type { BackendResult, ClinicRecord, LaunchSpec, StopOptions } from './backend';
import { heapHotspots, isHeapProfile } from './heapHotspots';
import { cpuProfileFromTickStacks, V8_PROF_INTERVAL_MICROS } from './v8LogProfile';
import { WrapperBackend } from './wrapperBackend';

export const CLINIC_DIR = 'clinic';

type ClinicTool = ClinicRecord['tool'];

/** Clinic Doctor's titles for its issue categories (from its recommendations). */
export const DOCTOR_TITLES: Record<string, string> = {
  gc: 'a potential Garbage Collection issue',
  'event-loop': 'a potential Event Loop issue',
  io: 'a potential I/O issue',
  data: 'data analysis issue',
  unknown: 'an unknown issue',
  none: 'no issue',
};

export class ClinicBackend extends WrapperBackend {
  protected readonly tool = 'clinic' as const;

  constructor(readonly name: 'clinic-doctor' | 'clinic-flame' | 'clinic-heapprofiler') {
    super();
  }

  private get clinicTool(): ClinicTool {
    return this.name === 'clinic-doctor' ? 'doctor' : this.name === 'clinic-flame' ? 'flame' : 'heapprofiler';
  }

  private outDir(): string {
    return path.join(this.spec!.runDir, CLINIC_DIR);
  }

  protected toolArgs(spec: LaunchSpec, onPort: string): string[] {
    this.spec = spec;
    return [this.clinicTool, '--open=false', '--dest', this.outDir(), '--on-port', onPort];
  }

  protected override extraEnv(): NodeJS.ProcessEnv {
    return { NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' };
  }

  async stop(service: ServiceProcess, options: StopOptions): Promise<BackendResult | null> {
    const finished = await this.stopTool(service, options);
    if (!options.collect || !this.spec) return null;
    const tool = this.clinicTool;
    const problems: string[] = [];
    if (!finished) problems.push(`Clinic ${tool} did not finish writing its output in time and was stopped; what it had written is imported.`);
    const dir = this.outDir();
    const suffix = `.clinic-${tool}`;
    const listing = safeList(dir);
    // Normally one of each; with several (a service that forked), the newest.
    const dataName = newest(dir, listing.filter((n) => n.endsWith(suffix)));
    const htmlName = newest(dir, listing.filter((n) => n.endsWith(`${suffix}.html`)));
    const rel = (n: string | null) => (n ? `${CLINIC_DIR}/${n}` : null);
    const clinic: ClinicRecord = { tool, version: this.located?.version ?? null, htmlReport: rel(htmlName), data: rel(dataName) };
    const result: BackendResult = {
      cpuProfile: null,
      samplingIntervalMicros: V8_PROF_INTERVAL_MICROS,
      heapProfile: null,
      profiler: { backend: this.name, tool: 'clinic', version: this.located?.version ?? null, command: this.describeCommand(), files: [], problems },
      clinic,
      findings: [],
    };
    if (!htmlName && !dataName) {
      problems.push(`Clinic ${tool} wrote nothing to import; see service.log for what it printed.`);
    } else if (tool === 'doctor') {
      this.importDoctor(htmlName ? path.join(dir, htmlName) : null, clinic, result);
    } else if (tool === 'flame') {
      this.importFlame(dataName ? path.join(dir, dataName) : null, result);
    } else {
      this.importHeap(dataName ? path.join(dir, dataName) : null, clinic, result, options.sourceMaps);
    }
    if (!htmlName) problems.push(`Clinic ${tool} wrote no HTML report.`);
    result.profiler.files = listFiles(dir).map((f) => `${CLINIC_DIR}/${f}`);
    return result;
  }

  private importDoctor(html: string | null, clinic: ClinicRecord, result: BackendResult): void {
    const analysis = html ? readDoctorAnalysis(html) : null;
    if (!analysis) {
      result.profiler.problems.push("Clinic Doctor's verdict could not be read from its report.");
      clinic.verdict = null;
      return;
    }
    const category = analysis.issueCategory;
    clinic.issues = analysis.issues;
    clinic.verdict = { category, title: DOCTOR_TITLES[category] ?? category, summary: this.doctorSummary(category) };
    result.findings.push({
      kind: 'clinic-doctor',
      severity: category === 'none' || category === 'data' ? 'info' : 'warning',
      message: `Clinic Doctor found ${clinic.verdict.title}${clinic.verdict.summary[0] ? `: ${clinic.verdict.summary[0].replace(/\.?$/, '.')}` : '.'} Its report is ${clinic.htmlReport}.`,
      location: null,
    });
  }

  private importFlame(data: string | null, result: BackendResult): void {
    const samples = data ? safeList(data).find((n) => n.endsWith('-samples')) : undefined;
    if (!data || !samples) {
      result.profiler.problems.push('Clinic Flame left no samples to import.');
      return;
    }
    const file = path.join(data, samples);
    try {
      result.cpuProfile = cpuProfileFromTickStacks(JSON.parse(fs.readFileSync(file, 'utf8')));
      fs.rmSync(file, { force: true });
    } catch (err) {
      result.profiler.problems.push(`Clinic Flame's samples could not be read (${(err as Error).message}).`);
    }
  }

  private importHeap(data: string | null, clinic: ClinicRecord, result: BackendResult, sourceMaps?: SourceMapResolver): void {
    let profile: unknown = null;
    try {
      if (data && fs.statSync(data).isFile()) profile = JSON.parse(fs.readFileSync(data, 'utf8'));
    } catch {
      profile = null;
    }
    if (!isHeapProfile(profile)) {
      result.profiler.problems.push('Clinic Heap Profiler wrote no complete heap profile (the service may have exited before it finished writing).');
      clinic.allocationHotspots = [];
      return;
    }
    result.heapProfile = profile;
    clinic.allocationHotspots = heapHotspots(profile, { root: this.spec?.root, sourceMaps });
  }

  /** Clinic's own summary lines for a category, read from the installed @clinic/doctor. */
  private doctorSummary(category: string): string[] {
    const file = this.located ? findInstalled(this.located.bin, path.join('@clinic', 'doctor', 'recommendations', `${category}-summary.md`)) : null;
    if (!file) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^[-*] /.test(l))
      .map((l) =>
        l
          .slice(2)
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .filter(Boolean);
  }
}

export interface DoctorAnalysis {
  issues: Record<string, unknown>;
  issueCategory: string;
}

/** The `analysis` object of the JSON that Clinic Doctor embeds in its report. */
export function readDoctorAnalysis(htmlFile: string): DoctorAnalysis | null {
  let html: string;
  try {
    html = fs.readFileSync(htmlFile, 'utf8');
  } catch {
    return null;
  }
  const m = /<script[^>]*\bid="clinic-data"[^>]*>([\s\S]*?)<\/script>/.exec(html);
  if (!m) return null;
  try {
    const data = JSON.parse(m[1]);
    const a = data?.analysis;
    if (!a || typeof a.issueCategory !== 'string' || typeof a.issues !== 'object') return null;
    return { issues: a.issues, issueCategory: a.issueCategory };
  } catch {
    return null;
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function newest(dir: string, names: string[]): string | null {
  let best: string | null = null;
  let bestTime = -Infinity;
  for (const n of names) {
    try {
      const t = fs.statSync(path.join(dir, n)).mtimeMs;
      if (t > bestTime) {
        best = n;
        bestTime = t;
      }
    } catch {
      // gone
    }
  }
  return best;
}

/** Files under `dir`, relative, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of safeListEntries(dir)) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

function safeListEntries(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** A file inside the tool's installation: node_modules beside or inside the package the bin belongs to. */
function findInstalled(bin: string, relative: string): string | null {
  let dir: string;
  try {
    dir = path.dirname(fs.realpathSync(bin));
  } catch {
    return null;
  }
  for (;;) {
    const candidate = path.join(dir, 'node_modules', relative);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
