// 50 randomised start/cancel cycles through the engine API (BenchmarkRun and its
// CancellationSource, as the extension drives it), each on a service that
// starts a child that ignores SIGTERM. The cancel lands at a seeded random
// point: during launch, readiness, load or the stop/analysis. Afterwards the
// test counts every live process carrying the cycle's marker variable (the
// service and all it started inherit it): none may be left.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, tempDir } from '../cliHarness';
import { faultConfig, markedProcesses, MARKER_ENV } from './faultsHarness';
import { loadConfig } from '../../../src/engine/config';
import { BenchmarkRun } from '../../../src/engine/runner';
import { CancellationSource } from '../../../src/engine/events';
import type { RunPhase } from '../../../src/engine/runEvents';
import { seededRandom as random } from '../../seededRandom';

const CYCLES = Number(process.env.HOTPATH_CYCLES ?? 50);
const SEED = Number(process.env.HOTPATH_CYCLES_SEED ?? 8);
const work = tempDir('hotpath-cycles-');
after(() => fs.rmSync(work, { recursive: true, force: true }));

type Point = 'launch' | 'readiness' | 'load' | 'analysis';
const POINTS: Point[] = ['launch', 'readiness', 'load', 'analysis'];
/** The phase event a cancel point waits for, and how long after it the cancel comes (ms, drawn at random). */
const PLAN: Record<Point, { after: RunPhase; maxDelayMs: number }> = {
  launch: { after: 'starting', maxDelayMs: 150 },
  readiness: { after: 'starting', maxDelayMs: 1200 }, // the service listens only after 1.5 s
  load: { after: 'load', maxDelayMs: 1500 },
  analysis: { after: 'stopping', maxDelayMs: 300 },
};

test(`${CYCLES} randomised start/cancel cycles leave no process that Hotpath started alive`, { timeout: CYCLES * 60_000 }, async () => {
  const rand = random(SEED);
  const marker = `cycles-${process.pid}-${Date.now()}`;
  const outcomes: Record<string, number> = {};
  const perPoint: Record<Point, number> = { launch: 0, readiness: 0, load: 0, analysis: 0 };
  let immediateSurvivors = 0;
  for (let i = 0; i < CYCLES; i++) {
    const point = POINTS[Math.floor(rand() * POINTS.length)];
    const delayMs = Math.floor(rand() * PLAN[point].maxDelayMs);
    perPoint[point]++;
    const startMs = point === 'launch' || point === 'readiness' ? 1500 : 0;
    const file = faultConfig(
      work,
      `cycle-${i}`,
      { args: ['tree.js'], env: { [MARKER_ENV]: marker, FAULT_START_MS: String(startMs) } },
      { stages: [{ durationSec: 2, connections: 2 }] },
      { profile: { sliceSeconds: 1 } },
    );
    const cancel = new CancellationSource();
    const run = new BenchmarkRun({ loaded: loadConfig(file), runsDir: path.join(work, 'runs'), token: cancel.token, probePath: path.join(repoRoot, 'dist', 'probe.js') });
    let armed = false;
    run.onEvent.event((e) => {
      if (!armed && e.type === 'phase' && e.phase === PLAN[point].after) {
        armed = true;
        setTimeout(() => cancel.cancel(`cycle ${i}: cancelled during ${point}`), delayMs);
      }
    });
    let outcome: string;
    try {
      const result = await run.run();
      outcome = result.status;
    } catch (err) {
      outcome = `threw ${(err as Error).constructor.name}`;
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const left = markedProcesses(marker);
    immediateSurvivors += left.length;
    if (left.length) process.stdout.write(`cycle ${i} (${point} +${delayMs} ms, ${outcome}): ${left.length} still alive right after the run returned: ${left.join(' ')}\n`);
  }
  const survivors = markedProcesses(marker);
  process.stdout.write(`cycles: ${CYCLES}, survivors: ${survivors.length}\n`);
  process.stdout.write(`cancel points: ${JSON.stringify(perPoint)}; outcomes: ${JSON.stringify(outcomes)}; alive right after a run returned: ${immediateSurvivors}; seed ${SEED}\n`);
  assert.deepEqual(survivors, [], 'no process that Hotpath started is left alive');
  assert.ok((outcomes.cancelled ?? 0) > 0, 'some cycles really were cancelled');
});
