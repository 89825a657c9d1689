import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { decodeMappings, SourceMapResolver } from '../../../src/engine/sourceMaps';
import { analyzeCpuProfile } from '../../../src/engine/cpu/cpuProfileModel';
import type { CpuProfile } from '../../../src/engine/cpu/cpuProfile';
import { pathToFileURL } from 'url';

// Type annotations and an interface shift every line of the output against the source.
const source = `interface Order { id: number; total: number }

type Totals = Record<string, number>;

export function sumTotals(orders: Order[]): number {
  let sum: number = 0;
  for (const o of orders) {
    sum += o.total; // HOT
  }
  return sum;
}
`;

function compile(inline: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-maps-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'dist'));
  const out = ts.transpileModule(source, {
    fileName: 'sum.ts',
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2015, sourceMap: !inline, inlineSourceMap: inline, sourceRoot: '../src' },
  });
  fs.writeFileSync(path.join(dir, 'src', 'sum.ts'), source);
  let js = out.outputText;
  if (!inline) {
    js = js.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=sum.js.map');
    fs.writeFileSync(path.join(dir, 'dist', 'sum.js.map'), out.sourceMapText!);
  }
  fs.writeFileSync(path.join(dir, 'dist', 'sum.js'), js);
  return { dir, js };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

for (const inline of [false, true]) {
  test(`maps compiled positions back to the TypeScript line (${inline ? 'inline map' : 'map file'})`, () => {
    const { dir, js } = compile(inline);
    const jsLine = lineOf(js, 'sum += o.total');
    const tsLine = lineOf(source, 'sum += o.total');
    assert.notEqual(jsLine, tsLine, 'the fixture must shift lines, or the test proves nothing');
    const resolver = new SourceMapResolver();
    const pos = resolver.resolve(path.join(dir, 'dist', 'sum.js'), jsLine, js.split('\n')[jsLine - 1].indexOf('sum') + 1);
    assert.ok(pos);
    assert.equal(pos.file, path.join(dir, 'src', 'sum.ts'));
    assert.equal(pos.line, tsLine);
    const fn = resolver.resolve(pathToFileURL(path.join(dir, 'dist', 'sum.js')).href, lineOf(js, 'function sumTotals'), 1);
    assert.equal(fn?.line, lineOf(source, 'function sumTotals'));
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

test('a file without a map, or with a broken one, maps to nothing (and does not throw)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-maps-'));
  fs.writeFileSync(path.join(dir, 'plain.js'), 'module.exports = 1;\n');
  fs.writeFileSync(path.join(dir, 'broken.js'), 'x;\n//# sourceMappingURL=broken.js.map\n');
  fs.writeFileSync(path.join(dir, 'broken.js.map'), '{"version":3,"sources":["a.ts"],"mappings":"!!!!"}');
  const resolver = new SourceMapResolver();
  assert.equal(resolver.resolve(path.join(dir, 'plain.js'), 1, 1), null);
  assert.equal(resolver.resolve(path.join(dir, 'broken.js'), 1, 1), null);
  assert.equal(resolver.resolve(path.join(dir, 'missing.js'), 1, 1), null);
  assert.equal(resolver.resolve('node:internal/timers', 1, 1), null);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('VLQ decoding matches the specification example', () => {
  // "AAAA;AACA,EAAE" → line 0: [0,0,0,0]; line 1: [0,0,1,0], [2,0,1,2]
  assert.deepEqual(decodeMappings('AAAA;AACA,EAAE'), [[[0, 0, 0, 0]], [[0, 0, 1, 0], [2, 0, 1, 2]]]);
  assert.deepEqual(decodeMappings('gBAAgB'), [[[16, 0, 0, 16]]]);
});

test('the CPU model reports hot functions and lines at the TypeScript source', () => {
  const { dir, js } = compile(false);
  const url = pathToFileURL(path.join(dir, 'dist', 'sum.js')).href;
  const jsLine = lineOf(js, 'sum += o.total');
  const fnLine = lineOf(js, 'function sumTotals');
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2] },
      { id: 2, callFrame: { functionName: 'sumTotals', scriptId: '1', url, lineNumber: fnLine - 1, columnNumber: 0 }, positionTicks: [{ line: jsLine, ticks: 4 }] },
    ],
    startTime: 0,
    endTime: 4000,
    samples: [2, 2, 2, 2],
    timeDeltas: [0, 1000, 1000, 1000],
  };
  const s = analyzeCpuProfile(profile, { root: dir, sourceMaps: new SourceMapResolver() });
  assert.deepEqual([s.hotFunctions[0].file, s.hotFunctions[0].line], ['src/sum.ts', lineOf(source, 'function sumTotals')]);
  assert.deepEqual([s.hotLines[0].file, s.hotLines[0].line], ['src/sum.ts', lineOf(source, '// HOT')]);
  fs.rmSync(dir, { recursive: true, force: true });
});
