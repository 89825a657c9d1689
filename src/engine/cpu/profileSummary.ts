// From the aggregate (time per function and per line) to what a developer
// reads: categories, busy-time percentages, source-mapped locations, ranked.
// Runs on the caller's thread: the aggregate is small and the source-map
// resolver lives there.

import type { AnalyzeOptions, CpuSummary, HotFunction, HotLine } from './cpuProfileModel';
import { categorize, displayPath, safeFilePath, type FrameCategory } from './frameCategory';
import type { ProfileAggregate } from './profileAggregate';

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

  // Lines only mean something for frames with a script; the probe's are not the user's.
  const lines = new Map<string, { file: string; line: number; us: number }>();
  for (const l of agg.lines) {
    if (isInstrumentation(l.url)) continue;
    // positionTicks carry no column: the line's first mapping decides where it came from.
    const original = options.sourceMaps?.resolve(l.url, l.line, 1);
    const file = displayPath(original?.file ?? l.url, options.root);
    const line = original?.line ?? l.line;
    const key = `${file}:${line}`;
    let entry = lines.get(key);
    if (!entry) lines.set(key, (entry = { file, line, us: 0 }));
    entry.us += l.us;
  }
  const hotLines: HotLine[] = [...lines.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, options.topLines ?? 100)
    .map((l) => ({ file: l.file, line: l.line, selfMs: round(l.us / 1000), selfPct: round((l.us / busyUs) * 100) }));

  return {
    durationMs: round(durationUs / 1000),
    busyMs: round(busyUs / 1000),
    sampleCount: agg.sampleCount,
    buckets: Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, round(v / 1000)])) as CpuSummary['buckets'],
    hotFunctions,
    hotLines,
  };
}
