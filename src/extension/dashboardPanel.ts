// Host side of the live dashboard webview. The panel is not retained while
// hidden, so it never queues messages: every time the webview (re)loads it
// sends `ready` and gets the whole current state back as one snapshot.

import * as vscode from 'vscode';
import { isFromDashboard, type DashboardState, type FromDashboard, type ToDashboard } from '../protocol/dashboard';
import { nonce, renderWebviewHtml } from './webviewHtml';

const viewType = 'hotpath.dashboard';

export class DashboardPanel implements vscode.Disposable {
  private static current: DashboardPanel | undefined;

  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the panel is closed by the user or disposed by code. */
  readonly onDidDispose = this.disposeEmitter.event;

  private readonly openReportEmitter = new vscode.EventEmitter<string | null>();
  /** The user pressed "Open report"; carries the run id of the current state. */
  readonly onDidRequestOpenReport = this.openReportEmitter.event;

  private readonly disposables: vscode.Disposable[] = [];
  /** True between the webview's `ready` and the moment it is hidden (and so destroyed). */
  private webviewReady = false;
  private disposed = false;

  /** Shows the dashboard, creating it on first use; later calls reveal the same panel. */
  static createOrShow(extensionUri: vscode.Uri, getState: () => DashboardState): DashboardPanel {
    const existing = DashboardPanel.current;
    if (existing) {
      existing.getState = getState;
      existing.panel.reveal(undefined, true);
      existing.sendSnapshot();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      viewType,
      'Hotpath: Live Dashboard',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [
          vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'),
          vscode.Uri.joinPath(extensionUri, 'media'),
        ],
      },
    );
    DashboardPanel.current = new DashboardPanel(panel, extensionUri, getState);
    return DashboardPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private getState: () => DashboardState,
  ) {
    panel.webview.html = dashboardHtml(panel.webview, extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        // A hidden, unretained webview is torn down; it will say `ready` again.
        if (!panel.visible) this.webviewReady = false;
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
    );
  }

  /** Sends a live update if the webview can take it; otherwise drops it (the next `ready` gets a snapshot). */
  post(message: ToDashboard): void {
    if (this.disposed || !this.webviewReady || !this.panel.visible) return;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    this.openReportEmitter.dispose();
  }

  private receive(message: unknown): void {
    if (!isFromDashboard(message)) return;
    this.handle(message);
  }

  private handle(message: FromDashboard): void {
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.sendSnapshot();
        return;
      case 'openReport':
        this.openReportEmitter.fire(this.getState().runId);
        return;
      default:
        assertNever(message);
    }
  }

  private sendSnapshot(): void {
    this.post({ type: 'snapshot', state: this.getState() });
  }
}

function dashboardHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  return renderWebviewHtml({
    cspSource: webview.cspSource,
    nonce: nonce(),
    scriptUri: asset('dist', 'webviews', 'dashboard.js'),
    styleUris: [asset('media', 'dashboard.css')],
    title: 'Hotpath: Live Dashboard',
    // The dashboard script builds the page itself; this is what shows if it cannot run.
    bodyHtml: '    <main id="dashboard" class="dashboard"><p class="dashboard-loading">Loading the live dashboard…</p></main>',
  });
}

function assertNever(value: never): never {
  throw new Error(`Unhandled dashboard message: ${JSON.stringify(value)}`);
}
