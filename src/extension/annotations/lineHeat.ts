// Line heat: gutter and background shading scaled by each line's self time,
// with a hover giving the figures. Five levels, each a contributed theme colour
// (hotpath.heat1…5) so light, dark and high-contrast themes each get their own.
import * as vscode from 'vscode';
import type { HotLine } from '../../engine/cpu/cpuProfileModel';
import { setting } from '../contributions';
import { formatMs } from '../format';
import { RunAnnotations } from './runAnnotations';

const LEVELS = 5;

export class LineHeat implements vscode.Disposable {
  private readonly types: vscode.TextEditorDecorationType[];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly annotations: RunAnnotations, extensionUri: vscode.Uri) {
    this.types = Array.from({ length: LEVELS }, (_, i) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`hotpath.heat${i + 1}`),
        isWholeLine: true,
        gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', `heat${i + 1}.svg`),
        gutterIconSize: 'contain',
        overviewRulerColor: new vscode.ThemeColor(`hotpath.heat${i + 1}`),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
      }),
    );
    this.disposables.push(
      annotations.onDidChange(() => this.renderAll()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.renderAll()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hotpath.annotations') && this.renderAll()),
    );
  }

  renderAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.render(editor);
  }

  private render(editor: vscode.TextEditor): void {
    const style = setting('annotations.style', editor.document.uri);
    const run = style === 'lenses' || style === 'none' ? null : this.annotations.run;
    const buckets: vscode.DecorationOptions[][] = this.types.map(() => []);
    const lines = run?.record.cpu?.hotLines.filter((l) => this.annotations.matches(editor.document, l.file)) ?? [];
    const hottest = Math.max(0, ...(run?.record.cpu?.hotLines.map((l) => l.selfPct) ?? []));
    for (const l of lines) {
      if (l.line < 1 || l.line > editor.document.lineCount || hottest <= 0) continue;
      const level = Math.min(LEVELS - 1, Math.floor((l.selfPct / hottest) * LEVELS));
      buckets[level].push({ range: new vscode.Range(l.line - 1, 0, l.line - 1, 0), hoverMessage: hover(l, run!.record.id) });
    }
    this.types.forEach((type, i) => editor.setDecorations(type, buckets[i]));
  }

  dispose(): void {
    for (const t of this.types) t.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function hover(l: HotLine, runId: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`**Hotpath** · ${formatMs(l.selfMs)} self time on this line (${l.selfPct.toFixed(2)}% of busy CPU) in run \`${runId}\``);
  md.isTrusted = false;
  return md;
}
