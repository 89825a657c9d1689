// The end-of-run tables of `hotpath run` for the stress, spike and soak
// scenarios: the same sections as the reports (question, headline, tables),
// as plain text for a terminal or a CI log.

import { scenarioReportSections } from '../engine/report/scenarioReport';
import type { RunRecord } from '../engine/runRecord';
import { table } from './terminal';

export function scenarioTables(record: RunRecord): string {
  const out: string[] = [];
  for (const s of scenarioReportSections(record)) {
    out.push('', `${s.title}: ${s.question}`);
    if (s.none) {
      out.push(`  ${s.none}`);
      continue;
    }
    for (const l of s.lines) out.push(`  ${l.replace(/\*\*/g, '')}`);
    for (const t of s.tables) out.push('', table(t.columns, t.rows, t.numeric));
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
