import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardModel } from '../../../webviews/dashboard/dashboardModel';
import { addMarker, MAX_MARKERS, type StageMarker } from '../../../webviews/dashboard/stageMarkers';

const tick = (s: number, stage?: string) => ({ t: s * 1000, rps: 10, p50: 1, p95: 2, p99: 3, errors: 0, requestsTotal: s * 10, stage });

test('a marker where the load changes stage, not on every tick; kept through saved state', () => {
  const model = new DashboardModel();
  for (let s = 1; s <= 9; s++) model.addTick(tick(s, s <= 3 ? 'step 1: 10 connections' : s <= 6 ? 'step 2: 20 connections' : 'hold'));
  assert.deepEqual(model.markers, [
    { x: 0, label: 'step 1: 10 connections' },
    { x: 3, label: 'step 2: 20 connections' },
    { x: 6, label: 'hold' },
  ]);
  const restored = new DashboardModel();
  assert.ok(restored.restore(JSON.parse(JSON.stringify(model.toPersisted()))));
  assert.deepEqual(restored.markers, model.markers);
  // A run without stages has no markers.
  const plain = new DashboardModel();
  for (let s = 1; s <= 3; s++) plain.addTick(tick(s));
  assert.deepEqual(plain.markers, []);
});

test('markers stay bounded on a long ladder', () => {
  const markers: StageMarker[] = [];
  for (let i = 0; i < MAX_MARKERS * 3; i++) addMarker(markers, i, `step ${i}`);
  assert.equal(markers.length, MAX_MARKERS);
  assert.equal(markers[markers.length - 1].label, `step ${MAX_MARKERS * 3 - 1}`);
});
