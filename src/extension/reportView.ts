// The Report webview view in the Hotpath side panel.
import * as vscode from 'vscode';
import type { RunRecord } from '../engine/runRecord';
import { reportViewHtml } from './reportViewHtml';

export const OPEN_SOURCE_COMMAND = 'hotpath.openSource';

export class ReportViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private run: RunRecord | null = null;

  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = {
      enableScripts: false,
      enableCommandUris: [OPEN_SOURCE_COMMAND],
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    this.render();
  }

  show(run: RunRecord | null): void {
    this.run = run;
    this.render();
  }

  private render(): void {
    if (!this.view) return;
    const webview = this.view.webview;
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'report.css')).toString();
    webview.html = reportViewHtml(webview.cspSource, style, this.run, OPEN_SOURCE_COMMAND);
    this.view.description = this.run ? this.run.status : undefined;
  }
}
