// N+1 findings as diagnostics at the call site, with related information and
// a code action that explains the batched alternative; the run's other findings
// with a source line (event-loop blocks, GC pressure, memory growth, hot paths)
// as Information or Warning diagnostics there.
import * as vscode from 'vscode';
import type { RunRecord } from '../../engine/runRecord';
import { RunAnnotations } from './runAnnotations';

export const N_PLUS_ONE_CODE = 'n-plus-one';

/**
 * Run findings shown at their source line. N+1 findings come from
 * queries.nPlusOne above (with the query and counts), not from here.
 */
const SHOWN_FINDINGS = new Set<string>(['event-loop-block', 'gc-pressure', 'memory-growth', 'hot-path']);
const FINDING_TITLES: Record<string, string> = {
  'event-loop-block': 'Event loop blocked',
  'gc-pressure': 'GC pressure',
  'memory-growth': 'Memory growth',
  'hot-path': 'Hot path',
};

export class NPlusOneDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('hotpath');
  private readonly subscription: vscode.Disposable;

  constructor(private readonly annotations: RunAnnotations) {
    this.subscription = annotations.onDidChange(() => this.update());
  }

  update(): void {
    this.collection.clear();
    const run = this.annotations.run;
    if (!run) return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const n of nPlusOnes(run.record)) {
      const uri = vscode.Uri.file(this.annotations.resolve(n.callSite.file));
      const line = Math.max(0, n.callSite.line - 1);
      const col = Math.max(0, n.callSite.column - 1);
      // From the call to the end of the line (VS Code clamps the end to the line's length).
      const range = new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER);
      const d = new vscode.Diagnostic(
        range,
        `N+1 queries: this line runs "${n.query}" ${n.count} times per ${n.route} request (${n.totalMs} ms per request). Load the rows in one query instead.`,
        vscode.DiagnosticSeverity.Warning,
      );
      d.source = 'Hotpath';
      d.code = N_PLUS_ONE_CODE;
      d.relatedInformation = [
        new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, range), `Query (normalised): ${n.query}`),
        new vscode.DiagnosticRelatedInformation(
          new vscode.Location(uri, range),
          `${n.count} calls per request, ${n.totalMs} ms together, seen in ${n.requests ?? 'several'} requests of ${n.route} in run ${run.record.id}`,
        ),
      ];
      const list = byFile.get(uri.toString()) ?? [];
      list.push(d);
      byFile.set(uri.toString(), list);
    }
    for (const f of run.record.findings ?? []) {
      if (!f.location?.file || !(f.location.line >= 1) || !SHOWN_FINDINGS.has(f.kind)) continue;
      const uri = vscode.Uri.file(this.annotations.resolve(f.location.file));
      const line = f.location.line - 1;
      const col = Math.max(0, (f.location.column ?? 1) - 1);
      const range = new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER);
      const severity = f.severity === 'info' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Warning;
      const d = new vscode.Diagnostic(range, `${FINDING_TITLES[f.kind] ?? f.kind}: ${f.message}`, severity);
      d.source = 'Hotpath';
      d.code = f.kind;
      d.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, range), `Found in run ${run.record.id} (${run.record.scenario})`)];
      const list = byFile.get(uri.toString()) ?? [];
      list.push(d);
      byFile.set(uri.toString(), list);
    }
    for (const [uri, diagnostics] of byFile) this.collection.set(vscode.Uri.parse(uri), diagnostics);
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}

function nPlusOnes(run: RunRecord) {
  return run.queries?.nPlusOne ?? [];
}

/** "Explain the batched alternative" on Hotpath's N+1 diagnostics. */
export class NPlusOneCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((d) => d.source === 'Hotpath' && d.code === N_PLUS_ONE_CODE)
      .map((d) => {
        const action = new vscode.CodeAction('Hotpath: explain how to batch this N+1 query', vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.command = { command: 'hotpath.explainNPlusOne', title: 'Explain', arguments: [d.message] };
        return action;
      });
  }
}

export function batchingExplanation(message: string): string {
  return [
    '# Batching an N+1 query',
    '',
    `> ${message.replace(/\n/g, ' ')}`,
    '',
    'The loop issues one query per item. Collect the keys first and load every row in one round trip, then join in memory:',
    '',
    '```js',
    '// before: one query per order',
    'for (const order of orders) {',
    "  order.customer = db.prepare('SELECT * FROM customers WHERE id = ?').get(order.customerId);",
    '}',
    '',
    '// after: one query for all of them',
    'const ids = [...new Set(orders.map((o) => o.customerId))];',
    "const rows = db.prepare(`SELECT * FROM customers WHERE id IN (${ids.map(() => '?').join(', ')})`).all(...ids);",
    'const byId = new Map(rows.map((c) => [c.id, c]));',
    'for (const order of orders) order.customer = byId.get(order.customerId);',
    '```',
    '',
    "With an asynchronous driver the same shape holds: `await pool.query('SELECT * FROM customers WHERE id = ANY($1)', [ids])` (PostgreSQL) or `WHERE id IN (?)` with an array (mysql2).",
    '',
    'With an ORM: knex `whereIn(\'id\', ids)`, Sequelize `findAll({ where: { id: ids } })`, Prisma `findMany({ where: { id: { in: ids } } })`,',
    'TypeORM `findBy({ id: In(ids) })`, or the ORM\'s eager loading (`include`, `relations`, `populate`). A DataLoader does the same for GraphQL resolvers.',
    '',
    'Run the benchmark again afterwards: the finding disappears when the repeats fall under the thresholds, and `hotpath compare` shows the latency change.',
    '',
  ].join('\n');
}
