// Golden files for report output. Set HOTPATH_UPDATE_GOLDEN=1 to rewrite them
// after an intended change, then review the diff.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GOLDEN_DIR } from './reportFixtures';

export function assertGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.HOTPATH_UPDATE_GOLDEN === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    if (process.env.HOTPATH_UPDATE_GOLDEN !== '1') assert.fail(`${name} had no golden file; one was written, review and commit it.`);
    return;
  }
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs from its golden file (HOTPATH_UPDATE_GOLDEN=1 rewrites it)`);
}
