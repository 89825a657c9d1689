import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as hdr from 'hdr-histogram-js';
import {
  binsFromSamples,
  designEffect,
  erfc,
  hodgesLehmannBinned,
  mannWhitney,
  mannWhitneyBinned,
  quantileBinned,
  quantileDifferenceTest,
  twoProportionTest,
} from '../../../src/engine/analysis/compareStats';
import { binsFromHdr } from '../../../src/engine/analysis/compareInputs';
import { seededRandom as rng } from '../../seededRandom';

const repoRoot = process.env.HOTPATH_REPO_ROOT ?? path.resolve(__dirname, '../../../..');
const fixtureRun = path.join(repoRoot, 'test', 'fixtures', 'runs', '20261123-182721-cf6277');

const close = (actual: number, expected: number, tol: number, what = '') => assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} ≉ ${expected}`);

test('erfc matches known values', () => {
  close(erfc(3 / Math.SQRT2), 0.0026997960632601913, 1e-9, 'erfc');
  close(erfc(0), 1, 1e-7);
  close(erfc(-1), 1.8427007929497148, 1e-7);
});

test('Mann-Whitney U with ties matches SciPy (asymptotic, continuity-corrected)', () => {
  // scipy.stats.mannwhitneyu(b, a, method='asymptotic') → U = 82.5, p = 0.05533030886754948
  const a = [1, 2, 2, 3, 3, 3, 4, 5, 5, 9];
  const b = [2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 10];
  const r = mannWhitneyBinned(binsFromSamples(a), binsFromSamples(b))!;
  assert.equal(r.u, 82.5);
  close(r.pValue, 0.05533030886754948, 1e-6, 'p');
  close(r.probabilityCurrentGreater, 82.5 / 110, 1e-12);
});

test('small samples get the exact permutation p-value, ties included', () => {
  // scipy.stats.mannwhitneyu(..., method='exact') → p = 0.12554112554112554
  close(mannWhitney([13, 16, 17, 18, 20, 21], [11, 12, 14, 15, 19])!.pValue, 0.12554112554112554, 1e-12, 'exact');
  // Brute force over all 126 splits: 14 are at least as far from the mean rank sum.
  const r = mannWhitney([1, 2, 2, 3], [2, 3, 3, 4, 5])!;
  assert.equal(r.method, 'exact permutation');
  close(r.pValue, 14 / 126, 1e-12, 'exact with ties');
  // Complete separation of 5 and 5: 2 of 252 splits.
  close(mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])!.pValue, 2 / 252, 1e-12);
});

test('binned and per-sample ranking agree on a large sample with many ties', () => {
  const r = rng(1);
  const a = Array.from({ length: 3000 }, () => Math.round(20 + r() * 10));
  const b = Array.from({ length: 2500 }, () => Math.round(20.5 + r() * 10));
  const binned = mannWhitneyBinned(binsFromSamples(a), binsFromSamples(b))!;
  // Independent O(n·m) count of pairs.
  let u = 0;
  for (const x of a) for (const y of b) u += y > x ? 1 : y === x ? 0.5 : 0;
  assert.equal(binned.u, u);
});

test('Hodges–Lehmann shift is the median pairwise difference, with an interval around it', () => {
  const a = [1, 2, 2, 3, 3, 3, 4, 5, 5, 9];
  const b = [2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 10];
  const s = hodgesLehmannBinned(binsFromSamples(a), binsFromSamples(b))!;
  close(s.estimate, 2, 1e-6, 'numpy.median of all differences');
  assert.ok(s.ci95[0] <= 2 && s.ci95[1] >= 2 && s.ci95[0] < s.ci95[1]);
  const r = rng(2);
  const x = Array.from({ length: 4000 }, () => 10 + r() * 4);
  const y = Array.from({ length: 4000 }, () => 11.5 + r() * 4);
  const big = hodgesLehmannBinned(binsFromSamples(x.map((v) => Math.round(v * 100) / 100)), binsFromSamples(y.map((v) => Math.round(v * 100) / 100)))!;
  close(big.estimate, 1.5, 0.1, 'shift of a uniform');
  assert.ok(big.ci95[0] > 1.3 && big.ci95[1] < 1.7, `interval ${big.ci95}`);
  const wide = hodgesLehmannBinned(binsFromSamples(x), binsFromSamples(y), 16)!;
  assert.ok(wide.ci95[1] - wide.ci95[0] > 3 * (big.ci95[1] - big.ci95[0]), 'a design effect of 16 widens the interval about 4×');
});

test('latency.hdr decodes to bins whose percentiles equal run.json', () => {
  const run = JSON.parse(fs.readFileSync(path.join(fixtureRun, 'run.json'), 'utf8'));
  const bins = binsFromHdr(fs.readFileSync(path.join(fixtureRun, 'latency.hdr'), 'utf8'));
  assert.equal(bins.total, run.load.requests.ok);
  for (const p of [50, 90, 95, 99] as const) assert.equal(quantileBinned(bins, p), run.load.latencyMs[`p${p}`], `p${p}`);
});

test('the same histogram compared with itself is no change; a 25% slower copy is', () => {
  const build = (scale: number) => {
    const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
    const rr = rng(4);
    for (let i = 0; i < 20000; i++) h.recordValue(Math.round((8000 + rr() * 4000 + (rr() < 0.05 ? 20000 * rr() : 0)) * scale));
    return binsFromHdr(hdr.encodeIntoCompressedBase64(h));
  };
  const a = build(1);
  const same = mannWhitneyBinned(a, build(1))!;
  assert.equal(same.pValue, 1);
  assert.equal(hodgesLehmannBinned(a, build(1))!.estimate, 0);
  const slower = build(1.25);
  assert.ok(mannWhitneyBinned(a, slower)!.pValue < 1e-10);
  close(hodgesLehmannBinned(a, slower)!.estimate, 0.25 * quantileBinned(a, 50), 0.5, 'shift ≈ 25% of the median (ms)');
  assert.ok(quantileDifferenceTest(a, slower, 95)!.pValue < 1e-6);
  assert.equal(quantileDifferenceTest(a, build(1), 95)!.pValue, 1);
});

test('design effect: 1 for independent seconds, large when seconds drift together', () => {
  const r = rng(5);
  const seconds = 8;
  const perSecond = 500;
  const independent: number[] = [];
  const drifting: number[] = [];
  const windowsI: Array<{ value: number; count: number }> = [];
  const windowsD: Array<{ value: number; count: number }> = [];
  for (let s = 0; s < seconds; s++) {
    const slow = 1 + 0.3 * Math.sin(s * 1.7); // the machine's state this second
    const wi: number[] = [];
    const wd: number[] = [];
    for (let i = 0; i < perSecond; i++) {
      const v = 10 + r() * 10;
      wi.push(v);
      wd.push(v * slow);
    }
    independent.push(...wi);
    drifting.push(...wd);
    windowsI.push({ value: quantileBinned(binsFromSamples(wi), 50), count: perSecond });
    windowsD.push({ value: quantileBinned(binsFromSamples(wd), 50), count: perSecond });
  }
  const dI = designEffect(binsFromSamples(independent.map((v) => Math.round(v * 1000) / 1000)), 50, windowsI)!;
  const dD = designEffect(binsFromSamples(drifting.map((v) => Math.round(v * 1000) / 1000)), 50, windowsD)!;
  assert.ok(dI < 4, `independent: ${dI}`);
  assert.ok(dD > 20, `drifting: ${dD}`);
  assert.equal(designEffect(binsFromSamples([1, 2, 3]), 50, windowsI.slice(0, 2)), null, 'fewer than 3 seconds: unknown');
});

test('two-proportion test for error rates', () => {
  assert.equal(twoProportionTest(0, 1000, 0, 1000)!.pValue, 1);
  assert.ok(twoProportionTest(5, 10000, 60, 10000)!.pValue < 1e-6);
  assert.ok(twoProportionTest(5, 10000, 7, 10000)!.pValue > 0.3);
  assert.equal(twoProportionTest(0, 0, 1, 10), null);
});
