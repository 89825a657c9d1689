// Code lenses over the hot functions of the selected run (the user's own code only).
import * as vscode from 'vscode';
import { setting } from '../contributions';
import { formatMs } from '../format';
import { RunAnnotations } from './runAnnotations';

export class HotCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly annotations: RunAnnotations) {
    this.subscription = vscode.Disposable.from(
      annotations.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hotpath.annotations') && this.changed.fire()),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const run = this.annotations.run;
    if (!run?.record.cpu) return [];
    const style = setting('annotations.style', document.uri);
    if (style === 'heat' || style === 'none') return [];
    const minSelf = setting('annotations.minSelfPercent', document.uri) ?? 0.5;
    const lenses: vscode.CodeLens[] = [];
    // Ranked among the user's own functions (hotFunctions is sorted by self time);
    // native and library frames are shown in reports but take no rank here.
    const own = run.record.cpu.hotFunctions.filter((f) => f.category === 'user');
    own.forEach((f, rank) => {
      if (f.line < 1 || f.line > document.lineCount || !this.annotations.matches(document, f.file)) return;
      if (f.selfPct < minSelf && f.totalPct < 2) return; // noise
      const range = new vscode.Range(f.line - 1, 0, f.line - 1, 0);
      // A function that is hot only through what it calls is labelled by its total time, unranked.
      const title =
        f.selfPct >= minSelf
          ? `$(flame) Hotpath #${rank + 1}: ${f.selfPct.toFixed(1)}% self · ${f.totalPct.toFixed(1)}% total · ${formatMs(f.selfMs)} self`
          : `$(flame) Hotpath: ${f.totalPct.toFixed(1)}% total (in what it calls) · ${f.selfPct.toFixed(1)}% self`;
      lenses.push(
        new vscode.CodeLens(range, {
          title,
          tooltip: `${f.name}: ${f.selfPct}% of busy CPU time in itself and ${f.totalPct}% including what it calls, in run ${run.record.id}.`,
          command: 'hotpath.openReport',
          arguments: [],
        }),
      );
    });
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
