import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/engine/config';

const base = { service: { command: 'node', args: ['server.js'], readyUrl: 'http://127.0.0.1:${port}/health' } };

test('analysis settings of the findings: defaults, overrides, and JSON-path errors', () => {
  const d = parseConfig(base).analysis;
  assert.deepEqual(d.gcPressure, { maxPauseShare: 0.05, maxP99Ms: 50 });
  assert.deepEqual(d.eventLoopBlock, { maxP99Ms: 100 });
  assert.deepEqual(d.memoryGrowth, { minSlopeMBPerMin: 1, minR2: 0.7 });
  const c = parseConfig({ ...base, analysis: { gcPressure: { maxP99Ms: 20 }, eventLoopBlock: { maxP99Ms: 40 }, memoryGrowth: { minR2: 0.9 } } }).analysis;
  assert.deepEqual(c.gcPressure, { maxPauseShare: 0.05, maxP99Ms: 20 });
  assert.equal(c.eventLoopBlock.maxP99Ms, 40);
  assert.deepEqual(c.memoryGrowth, { minSlopeMBPerMin: 1, minR2: 0.9 });
  assert.throws(() => parseConfig({ ...base, analysis: { gcPressure: { maxPauseShare: 5 } } }), /\$\.analysis\.gcPressure\.maxPauseShare/);
  assert.throws(() => parseConfig({ ...base, analysis: { memoryGrowth: { minR2: 'high' } } }), /\$\.analysis\.memoryGrowth\.minR2/);
  assert.throws(() => parseConfig({ ...base, analysis: { eventLoopBlock: { p99: 1 } } }), /\$\.analysis\.eventLoopBlock/);
});
