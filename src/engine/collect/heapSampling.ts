// How the inspector backend asks V8's sampling heap profiler to record
// (HeapProfiler.startSampling), chosen from measured overhead.
//
// The interval was 32 KiB (DevTools' default). Measured on the demo with the
// service pinned to its own core, rounds interleaved (BENCHMARKS.md, "What the
// inspector CPU profiler costs the service"): on its allocation-heavy route
// (GET /export/alloc, 8 rounds) sampling every 32 KiB cost +4.5 % CPU per
// request (paired median, spread 0.99–1.08), every 128 KiB +0.3 % (0.97–1.03),
// inside the noise, like 256 and 512 KiB (Node's own --heap-prof-interval
// default); on the CPU-bound route +0.4 % against +0.2 %. What was traded:
// four times fewer samples (a 5-second demo run keeps about 3,000 instead of
// 11,500), and the allocation hotspots stay the same: on the demo's route mix
// the same top four functions in the same order (exportOrders 52–54 % of
// sampled bytes at both intervals), with the run-to-run variation of the
// smaller ones (computePriceStats 7–12 %) as large at 32 KiB as at 128 KiB.
// A service that allocates 100 MB during a run still gives about 800 samples.

export const HEAP_SAMPLING = {
  /** Mean number of bytes allocated between two samples (V8 draws each gap at random around it). */
  samplingInterval: 128 * 1024,
  // Objects collected by GC stay in the profile: allocation hotspots are what
  // was allocated during the run, not only what was still alive at its end.
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
} as const;
