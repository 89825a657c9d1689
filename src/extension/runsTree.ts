// The Runs view: saved runs, newest first, with status icons and key figures.
import * as path from 'path';
import * as vscode from 'vscode';
import { ListedRun, listRuns } from '../engine/store/runStore';
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
  constructor(readonly run: ListedRun, isBaseline: boolean) {
    super(labelOf(run), vscode.TreeItemCollapsibleState.None);
    this.id = run.dir;
    this.resourceUri = vscode.Uri.file(run.dir);
    if (run.ok) {
      const r = run.record;
      const figures = r.load ? `p95 ${formatMs(r.load.latencyMs.p95)} · ${formatRps(r.load.throughputRps.mean)} req/s` : r.status;
      this.description = `${isBaseline ? '★ baseline · ' : ''}${figures}`;
      const [icon, color] = STATUS_ICON[r.status] ?? ['circle-outline', 'foreground'];
      this.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
      this.contextValue = isBaseline ? 'run-baseline' : 'run';
      this.tooltip = new vscode.MarkdownString(
        `**${r.status}**: ${r.name}, ${new Date(r.startedAt).toLocaleString()}\n\n` +
          (r.load ? `${r.load.requests.total} requests, ${formatRps(r.load.throughputRps.mean)} req/s, p95 ${formatMs(r.load.latencyMs.p95)}, errors ${(r.load.errors.rate * 100).toFixed(2)}%` : r.error ?? ''),
      );
      this.command = { command: Commands.OpenReport, title: 'Open Report', arguments: [this] };
    } else {
      this.description = 'damaged';
      this.tooltip = `This run cannot be read: ${run.reason}.`;
      this.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      this.contextValue = 'damaged';
    }
  }
}

function labelOf(run: ListedRun): string {
  if (!run.ok) return run.id;
  const d = new Date(run.record.startedAt);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString()}`;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly baselineOf: () => string | undefined) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  getChildren(): RunItem[] {
    const where = locateWorkspace();
    if (!where) return [];
    const baseline = this.baselineOf();
    return listRuns(where.runsDir).map((run) => new RunItem(run, baseline !== undefined && path.resolve(run.dir) === path.resolve(baseline)));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
