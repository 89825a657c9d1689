import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topAllocationSite } from '../../../src/engine/analysis/allocationSite';

const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 2 });

test('top allocation site: bytes in library and native frames are charged to the nearest user caller', () => {
  const profile = {
    head: {
      callFrame: frame('(root)', '', -1),
      selfSize: 0,
      children: [
        {
          callFrame: frame('handler', 'file:///app/server.js', 4),
          selfSize: 1000,
          children: [
            { callFrame: frame('parse', 'file:///app/node_modules/csv/index.js', 10), selfSize: 5000, children: [{ callFrame: frame('JSONParse', '', -1), selfSize: 2000 }] },
            { callFrame: frame('keep', 'file:///app/server.js', 20), selfSize: 6000 },
          ],
        },
        { callFrame: frame('timers', 'node:internal/timers', 1), selfSize: 9000 },
      ],
    },
  };
  const site = topAllocationSite(profile, { root: '/app' })!;
  // handler: 1000 + 5000 + 2000 = 8000 of 23000; keep 6000; timers has no user caller
  assert.deepEqual(site, { name: 'handler', file: 'server.js', line: 5, column: 3, bytes: 8000, pct: 34.78 });
  assert.equal(topAllocationSite({ head: { callFrame: frame('(root)', '', -1), selfSize: 0, children: [] } }), null);
  assert.equal(topAllocationSite(null), null);
});
