// Turning a report from a load test Hotpath did not run (a distributed Artillery
// run on Fargate or Lambda, a k6-operator or k6 Cloud run) into a saved run:
// `load` from the report, the report itself beside run.json, the Markdown and
// HTML reports. There is no profile: the service ran elsewhere. The environment
// recorded is the importing machine's, and says so in the run's name.

import * as fs from 'fs';
import * as path from 'path';
import { captureEnvironment } from '../environment';
import { HotpathError } from '../events';
import { renderHtml } from '../report/htmlReport';
import { renderMarkdown } from '../report/markdownReport';
import type { RunRecord } from '../runRecord';
import { StagedRun, newRunId } from '../store/runStore';
import { importArtilleryReport, parseArtilleryReport } from './artilleryReport';
import { importK6Points, importK6Summary } from './k6Import';
import type { LoadResult } from './loadResult';

export type ImportEngine = 'artillery' | 'k6';

export interface ImportedLoad {
  load: LoadResult;
  /** When the load began (ms since the epoch): t = 0 of the imported timeline. */
  startedAt: number;
  /** The name the source file is saved under in the run directory. */
  savedAs: string;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new HotpathError(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}): pass the report file the load tool wrote.`);
  }
}

function parseJson(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HotpathError(`${file} is not valid JSON (${(err as Error).message}): pass ${what}.`);
  }
}

/** Reads an Artillery JSON report, a k6 JSON output file (one JSON object a line) or a k6 summary. */
export function readExternalReport(file: string, engine: ImportEngine): ImportedLoad {
  const text = readText(file);
  const scenarioFile = path.basename(file);
  if (engine === 'artillery') {
    const raw = parseJson(text, file, 'the JSON report of `artillery run --output FILE` (or `artillery report`’s input)');
    const report = parseArtilleryReport(raw, file);
    const startedAt = report.aggregate.firstMetricAt ?? Number(report.intermediate[0]?.period ?? Date.now());
    return { load: importArtilleryReport(report, { clockStart: startedAt, scenarioFile, files: ['artillery-report.json'] }), startedAt, savedAs: 'artillery-report.json' };
  }
  // JSON output lines, possibly among other output (`--out json=-` in a runner's log): any Metric or Point line near the top.
  const lines = text
    .split('\n', 200)
    .some((line) => {
      if (!line.trim().startsWith('{')) return false;
      try {
        const o = JSON.parse(line) as { type?: unknown };
        return o.type === 'Metric' || o.type === 'Point';
      } catch {
        return false;
      }
    });
  if (lines) {
    const m = /"type":"Point".*?"time":"([^"]+)"/.exec(text);
    const startedAt = m ? Date.parse(m[1]) : Date.now();
    const load = importK6Points(text, { clockStart: startedAt, scenarioFile, files: ['k6-points.json'] });
    return { load, startedAt, savedAs: 'k6-points.json' };
  }
  const raw = parseJson(text, file, 'the file of `k6 run --out json=FILE` or `--summary-export=FILE`');
  const load = importK6Summary(raw, { file, scenarioFile, files: ['k6-summary.json'] });
  return { load, startedAt: Date.now() - load.durationMs, savedAs: 'k6-summary.json' };
}

/** Saves an external report as a run in `runsDir`; returns the run directory. */
export async function importLoadRun(opts: { file: string; engine: ImportEngine; runsDir: string; name?: string }): Promise<{ runDir: string; record: RunRecord }> {
  const imported = readExternalReport(opts.file, opts.engine);
  const started = new Date(imported.startedAt);
  const runId = newRunId(started);
  const staged = StagedRun.create(opts.runsDir, runId);
  try {
    const { histogram, generatorTotal: _g, ...load } = imported.load;
    const record: RunRecord = {
      schemaVersion: 1,
      id: runId,
      name: opts.name ?? `${opts.engine} import: ${path.basename(opts.file)}`,
      startedAt: started.toISOString(),
      durationMs: imported.load.durationMs,
      status: 'passed',
      error: null,
      environment: await captureEnvironment(path.dirname(path.resolve(opts.file))),
      service: { command: `(imported from ${opts.engine})`, args: [], port: 0, readyMs: null },
      scenario: 'load',
      load: { ...load, scenario: 'load' },
      cpu: null,
      heap: null,
      gc: null,
      eventLoop: null,
      queries: null,
      budgets: [],
      findings: [],
    };
    staged.writeFile(imported.savedAs, fs.readFileSync(opts.file));
    if (histogram) staged.writeFile('latency.hdr', histogram);
    staged.writeFile('report.md', renderMarkdown(record));
    staged.writeFile('report.html', renderHtml(record));
    return { runDir: staged.commit(record), record };
  } catch (err) {
    staged.discard();
    throw err;
  }
}
