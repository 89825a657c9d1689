// JUnit XML, read back with a real XML parser and checked against the shape of
// the JUnit schema (Ant/Jenkins): testsuites > testsuite with its counts and
// attributes, properties first, one testcase per budget, failure/error
// elements with a message, system-out and system-err last.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJUnit } from '../../../src/engine/report/junitReport';
import type { RunRecord } from '../../../src/engine/runRecord';
import { assertGolden } from './goldenFiles';
import { erroredRun, fixtureRun, HOSTILE, hostileRun } from './reportFixtures';

type Node = Record<string, unknown>;
const arrays = new Set(['testsuite', 'testcase', 'property', 'failure', 'error', 'skipped']);
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: false, isArray: (name) => arrays.has(name), parseAttributeValue: false, trimValues: false });
/** Element order matters to the schema; fast-xml-parser's ordered mode gives it. */
const ordered = new XMLParser({ ignoreAttributes: true, preserveOrder: true });

function parse(xml: string): { suites: Node; suite: Node; cases: Node[] } {
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const doc = parser.parse(xml) as Node;
  const suites = doc.testsuites as Node;
  assert.ok(suites, 'root element <testsuites>');
  const suite = (suites.testsuite as Node[])[0];
  return { suites, suite, cases: (suite.testcase as Node[]) ?? [] };
}

function checkSchemaShape(xml: string, run: RunRecord): void {
  const { suites, suite, cases } = parse(xml);
  assert.equal((suites.testsuite as Node[]).length, 1);
  for (const attr of ['name', 'tests', 'failures', 'errors', 'skipped', 'time', 'timestamp', 'hostname', 'id', 'package']) assert.ok(attr in suite, `testsuite@${attr}`);
  assert.match(suite.timestamp as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'xs:dateTime without zone, as the schema wants');
  assert.match(suite.time as string, /^\d+(\.\d+)?$/);
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  assert.equal(Number(suite.tests), cases.length);
  assert.equal(Number(suite.failures), failures);
  assert.equal(Number(suite.errors), errors);
  assert.equal(Number(suites.tests), cases.length);
  assert.equal(Number(suites.failures), failures);
  assert.equal(Number(suites.errors), errors);
  for (const c of cases) {
    assert.ok(typeof c.name === 'string' && c.name.length > 0);
    assert.ok(typeof c.classname === 'string');
    assert.match(c.time as string, /^\d+(\.\d+)?$/);
    for (const f of [...((c.failure as Node[]) ?? []), ...((c.error as Node[]) ?? [])]) {
      assert.ok(typeof f.message === 'string' && f.message.length > 0, 'failure/error has a message');
      assert.ok(typeof f.type === 'string');
    }
  }
  const budgetCases = cases.filter((c) => c.classname === 'hotpath.budgets');
  assert.equal(budgetCases.length, run.budgets.length, 'one test case per budget');
  // Children in schema order: properties, testcase*, system-out, system-err.
  const tree = ordered.parse(xml) as Array<Record<string, Array<Record<string, unknown>>>>;
  const root = tree.find((n) => 'testsuites' in n)!.testsuites;
  const suiteChildren = (root.find((n) => 'testsuite' in n)!.testsuite as Array<Record<string, unknown>>).map((n) => Object.keys(n)[0]).filter((k) => k !== '#text');
  assert.equal(suiteChildren[0], 'properties');
  assert.deepEqual(suiteChildren.slice(-2), ['system-out', 'system-err']);
  assert.ok(suiteChildren.slice(1, -2).every((k) => k === 'testcase'));
}

test('the demo run: one case per budget, the broken one as a failure with its message', () => {
  const run = fixtureRun();
  const xml = renderJUnit(run);
  checkSchemaShape(xml, run);
  const { suite, cases } = parse(xml);
  assert.equal(cases.length, 4);
  assert.deepEqual(cases.map((c) => c.name), ['http.p95 < 500ms', 'http.p99 < 100ms', 'http.errorRate < 1%', 'http.rps > 50 req/s']);
  assert.ok(cases.every((c) => c.classname === 'hotpath.budgets'));
  const failed = cases.filter((c) => c.failure);
  assert.equal(failed.length, 1);
  assert.equal((failed[0].failure as Node[])[0].message, 'http.p99 is 154.5 ms, budget < 100ms (54.5% over)');
  assert.equal(suite.failures, '1');
  assert.equal(suite.errors, '0');
  const props = Object.fromEntries(((suite.properties as Node).property as Node[]).map((p) => [p.name, p.value]));
  assert.equal(props.node, 'v20.20.2');
  assert.equal(props.gitCommit, run.environment.gitCommit);
  assert.equal(props['hotpath.status'], 'failed');
  assertGolden('20261123-182721-cf6277.junit.xml', xml);
});

test('a run that errored adds an error test case, so CI cannot read it as green', () => {
  const run = erroredRun();
  const xml = renderJUnit(run);
  checkSchemaShape(xml, run);
  const { suite, cases } = parse(xml);
  assert.equal(cases.length, 1);
  assert.equal(cases[0].classname, 'hotpath.run');
  assert.equal((cases[0].error as Node[])[0].message, run.error);
  assert.equal(suite.errors, '1');
  assert.equal(suite.tests, '1');
});

test('a cancelled run with budgets: the budgets plus an error case', () => {
  const run = fixtureRun();
  run.status = 'cancelled';
  run.error = 'The run was cancelled.';
  const xml = renderJUnit(run);
  checkSchemaShape(xml, run);
  const { suite } = parse(xml);
  assert.equal(suite.tests, '5');
  assert.equal(suite.errors, '1');
  assert.equal(suite.failures, '1');
});

test('hostile text and characters XML cannot carry are escaped; values survive the round trip', () => {
  const { run } = hostileRun();
  run.budgets[1].metric = `http.p99\u0000\u001b[31m`;
  const xml = renderJUnit(run);
  checkSchemaShape(xml, run);
  assert.ok(!xml.includes('<script>'));
  assert.ok(!xml.includes('<img'));
  const { suite, cases } = parse(xml);
  assert.equal(cases[0].name, `http.p95 < 500ms ${HOSTILE}`);
  assert.equal(suite.name, `hotpath: shop ${HOSTILE}`);
  assert.ok((cases[1].name as string).startsWith('http.p99\uFFFD\uFFFD[31m'));
});
