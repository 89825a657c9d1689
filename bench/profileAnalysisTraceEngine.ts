// Child process for the profile-analysis benchmark: Chrome DevTools' trace
// engine (@paulirish/trace_engine) on a `.cpuprofile`, the way DevTools opens
// one: the profile wrapped as one synthetic CpuProfile trace event
// (SamplesIntegrator.createFakeTraceFromCpuProfile), then the full model with
// every handler parses it. Prints the number of profile calls it built.

import * as fs from 'fs';
import * as path from 'path';

// The engine is ES modules; a CommonJS build must load it with a real import().
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<Record<string, any>>;

async function main(): Promise<void> {
  const file = process.argv[2];
  const root = path.resolve(__dirname, '../..');
  // analyze-trace.mjs polyfills DOMRect, which the engine needs outside a browser.
  await importEsm(path.join(root, 'node_modules/@paulirish/trace_engine/analyze-trace.mjs'));
  const Trace = await importEsm(path.join(root, 'node_modules/@paulirish/trace_engine/models/trace/trace.js'));
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const { traceEvents, metadata } = Trace.Helpers.SamplesIntegrator.SamplesIntegrator.createFakeTraceFromCpuProfile(profile, 1);
  const model = Trace.TraceModel.Model.createWithAllHandlers();
  await model.parse(traceEvents, { metadata, isCPUProfile: true });
  const parsed = model.parsedTrace();
  let calls = 0;
  for (const byThread of parsed.data.Samples.profilesInProcess.values()) for (const t of byThread.values()) calls += t.profileCalls.length;
  process.stdout.write(`${calls}\n`);
}

main().catch((err) => {
  // The bench quotes the first line naming an error: the message with the
  // engine's frame that threw, so a failure reads with its cause.
  const e = err as Error;
  const where = (e.stack ?? '').split('\n').find((l) => /trace_engine[\\/]models/.test(l));
  process.stderr.write(`${e.name}: ${e.message}${where ? ` (${where.trim().replace(/^at /, 'in ').replace(/\(.*node_modules[\\/]@paulirish[\\/]trace_engine[\\/]/, '(')})` : ''}\n${e.stack ?? err}\n`);
  process.exit(1);
});
