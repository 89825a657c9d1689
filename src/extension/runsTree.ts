// The Runs view: saved runs, newest first, with status icons and key figures.
// Reads the run index (summaries), so hundreds of runs list instantly; a run's
// full record is read only when it is opened.
import * as vscode from 'vscode';
import { baselineId } from '../engine/store/baseline';
import { ListedSummary, listRunSummaries } from '../engine/store/runListing';
import { Commands } from './contributions';
import { formatMs, formatRps } from './format';
import { locateWorkspace } from './workspaceRuns';

const STATUS_ICON: Record<string, [string, string]> = {
  passed: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  error: ['warning', 'problemsWarningIcon.foreground'],
  cancelled: ['circle-slash', 'disabledForeground'],
};

export class RunItem extends vscode.TreeItem {
  constructor(readonly run: ListedSummary, isBaseline: boolean) {
    super(labelOf(run), vscode.TreeItemCollapsibleState.None);
    this.id = run.dir;
    this.resourceUri = vscode.Uri.file(run.dir);
    if (run.ok) {
      const s = run.summary;
      const figures = s.p95Ms !== null && s.rps !== null ? `p95 ${formatMs(s.p95Ms)} · ${formatRps(s.rps)} req/s` : s.status;
      this.description = `${isBaseline ? '★ baseline · ' : ''}${figures}`;
      const [icon, color] = STATUS_ICON[s.status] ?? ['circle-outline', 'foreground'];
      this.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
      this.contextValue = isBaseline ? 'run-baseline' : 'run';
      this.tooltip = new vscode.MarkdownString(
        `**${s.status}**: ${s.name}, ${new Date(s.startedAt).toLocaleString()}\n\n` +
          (s.requests !== null && s.rps !== null && s.p95Ms !== null
            ? `${s.requests} requests, ${formatRps(s.rps)} req/s, p95 ${formatMs(s.p95Ms)}, errors ${((s.errorRate ?? 0) * 100).toFixed(2)}%`
            : s.error ?? ''),
      );
      this.accessibilityInformation = { label: `Run ${labelOf(run)}, ${s.status}, ${figures}${isBaseline ? ', baseline' : ''}` };
      this.command = { command: Commands.OpenReport, title: 'Open Report', arguments: [this] };
    } else {
      this.description = 'damaged';
      this.tooltip = `This run cannot be read: ${run.reason}.`;
      this.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      this.contextValue = 'damaged';
    }
  }
}

function labelOf(run: ListedSummary): string {
  if (!run.ok) return run.id;
  const d = new Date(run.summary.startedAt);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString()}`;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  getChildren(): RunItem[] {
    const where = locateWorkspace();
    if (!where) return [];
    const baseline = baselineId(where.runsDir);
    return listRunSummaries(where.runsDir).map((run) => new RunItem(run, run.id === baseline));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
