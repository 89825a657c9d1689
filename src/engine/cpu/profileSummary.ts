// From the aggregate (time per function and per line) to what a developer
// reads: categories, busy-time percentages, source-mapped locations, ranked.
// Runs on the caller's thread: the aggregate is small and the source-map
// resolver lives there.

import type { AnalyzeOptions, CpuSummary, HotFunction, HotLine } from './cpuProfileModel';
import { categorize, displayPath, safeFilePath, type FrameCategory } from './frameCategory';
import { LineKeys } from './lineKeys';
import type { LineTimes, ProfileAggregate } from './profileAggregate';
import { float64s } from './profileTable';

const round = (x: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function summarizeAggregate(agg: ProfileAggregate, options: AnalyzeOptions = {}): CpuSummary {
  const buckets = { user: 0, library: 0, node: 0, native: 0, gc: 0, program: 0, idle: 0 };
  const instrumentation = new Set(options.instrumentationFiles ?? []);
  const isInstrumentation = (url: string) => instrumentation.size > 0 && instrumentation.has(url.startsWith('file://') ? safeFilePath(url) : url);
  const categories: FrameCategory[] = [];
  let durationUs = 0;
  for (const f of agg.functions) {
    const cat = categorize({ callFrame: f }, instrumentation);
    categories.push(cat);
    durationUs += f.selfUs;
    if (cat !== 'root') buckets[cat] += f.selfUs;
  }
  const busyUs = Math.max(durationUs - buckets.idle, 1e-9);

  const hotFunctions: HotFunction[] = agg.functions
    .map((f, i) => ({ f, cat: categories[i] }))
    .filter(({ f, cat }) => cat !== 'root' && cat !== 'idle' && cat !== 'program' && f.selfUs + f.totalUs > 0)
    .sort((a, b) => b.f.selfUs - a.f.selfUs || b.f.totalUs - a.f.totalUs)
    .slice(0, options.topFunctions ?? 50)
    .map(({ f, cat }) => {
      const { url, lineNumber, columnNumber } = f;
      const original = url ? options.sourceMaps?.resolve(url, lineNumber + 1, columnNumber + 1) : null;
      return {
        name: f.functionName || '(anonymous)',
        // Hotpath's own probe is named, not given as a path on this machine.
        file: isInstrumentation(url) ? 'hotpath:probe.js' : displayPath(original?.file ?? url, options.root),
        line: original?.line ?? lineNumber + 1,
        column: original?.column ?? columnNumber + 1,
        category: cat,
        selfMs: round(f.selfUs / 1000),
        selfPct: round((f.selfUs / busyUs) * 100),
        totalMs: round(f.totalUs / 1000),
        totalPct: round((f.totalUs / busyUs) * 100),
      };
    });

  const hotLines = rankLines(agg.lines, options, isInstrumentation, busyUs);

  return {
    durationMs: round(durationUs / 1000),
    busyMs: round(busyUs / 1000),
    sampleCount: agg.sampleCount,
    buckets: Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, round(v / 1000)])) as CpuSummary['buckets'],
    hotFunctions,
    hotLines,
  };
}

/**
 * The hottest lines, merged by where they come from (source-mapped file and
 * line). Each distinct URL is converted to a path (and its source map looked
 * up) once, times are merged in typed arrays, and objects are made only for
 * the lines returned; the order is that of a stable sort by time, so ties
 * keep the order in which the lines were first met.
 */
function rankLines(lines: LineTimes, options: AnalyzeOptions, isInstrumentation: (url: string) => boolean, busyUs: number): HotLine[] {
  const files: string[] = [];
  const fileIds = new Map<string, number>();
  const byText = new Map<string, number>();
  /** The id of the file a URL or an original source reads as. */
  const fileOf = (urlOrFile: string) => {
    let id = byText.get(urlOrFile);
    if (id === undefined) {
      const file = displayPath(urlOrFile, options.root);
      id = fileIds.get(file);
      if (id === undefined) {
        id = files.length;
        fileIds.set(file, id);
        files.push(file);
      }
      byText.set(urlOrFile, id);
    }
    return id;
  };
  // Per URL: its file id, -1 when it has a source map (each line mapped on its own), -2 when skipped.
  const urlFile = new Int32Array(lines.urls.length);
  const urlMap = lines.urls.map((url, u) => {
    // Lines only mean something for frames with a script; the probe's are not the user's.
    if (isInstrumentation(url)) {
      urlFile[u] = -2;
      return null;
    }
    const map = options.sourceMaps?.mapFor(url) ?? null;
    urlFile[u] = map ? -1 : fileOf(url);
    return map;
  });
  const keys = new LineKeys();
  const merged = float64s();
  for (let i = 0; i < lines.url.length; i++) {
    const u = lines.url[i];
    let file = urlFile[u];
    if (file === -2) continue;
    let line = lines.line[i];
    if (file === -1) {
      // positionTicks carry no column: the line's first mapping decides where it came from.
      const original = urlMap[u]!(line, 1);
      file = fileOf(original?.file ?? lines.urls[u]);
      line = original?.line ?? line;
    }
    const s = keys.index(file, line);
    if (s === merged.length) merged.push(0);
    merged.data[s] += lines.us[i];
  }
  const us = merged.view();
  const top = topIndices(us, options.topLines ?? 100);
  const fileOfLine = keys.ids();
  const lineOf = keys.lines();
  return top.map((s) => ({ file: files[fileOfLine[s]], line: lineOf[s], selfMs: round(us[s] / 1000), selfPct: round((us[s] / busyUs) * 100) }));
}

/** Indices of the `k` largest values, largest first, ties in index order (a stable sort's order). */
function topIndices(values: Float64Array, k: number): number[] {
  const n = values.length;
  let candidates: number[];
  let hasNaN = false;
  for (let i = 0; i < n && !hasNaN; i++) hasNaN = values[i] !== values[i];
  if (hasNaN || !Number.isInteger(k) || k <= 0 || k >= n) {
    // All of them, an odd count, or a NaN (which has no place in a numeric order): the same sort as over objects.
    candidates = Array.from({ length: n }, (_, i) => i);
    candidates.sort((a, b) => values[b] - values[a]);
    return candidates.slice(0, k);
  }
  const sorted = Float64Array.from(values).sort();
  const threshold = sorted[n - k];
  candidates = [];
  for (let i = 0; i < n; i++) if (values[i] >= threshold) candidates.push(i);
  candidates.sort((a, b) => values[b] - values[a] || a - b);
  return candidates.slice(0, k);
}
