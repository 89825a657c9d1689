// Host side of the flame graph webview: one panel, showing one run's CPU
// profile (or, in diff mode, one run against the baseline). The webview is not
// retained while hidden; each time it (re)loads it says `ready` and gets the
// whole profile again.

import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { readFlameProfile } from '../engine/cpu/flameData';
import { isFromFlame, type FromFlame, type RawCpuProfile, type ToFlame } from '../protocol/flame';
import { encodeFlameColumns, type FlameColumns } from '../protocol/flameColumns';
import { OPEN_SOURCE_COMMAND } from './reportView';
import { nonce, renderWebviewHtml } from './webviewHtml';

const viewType = 'hotpath.flameGraph';

export interface FlameSource {
  title: string;
  profile: RawCpuProfile;
  baseline?: { title: string; profile: RawCpuProfile };
  /** The slices of a run that is still going, merged so far; replaced by the saved profile when it ends. */
  live?: boolean;
}

/** A saved run's profile (and the baseline's in diff mode), source-mapped by the engine. */
export function flameSourceOfRun(runDir: string, baselineDir?: string): FlameSource {
  const source: FlameSource = { title: `Run ${path.basename(runDir)}`, profile: readFlameProfile(path.join(runDir, 'cpu.cpuprofile')) };
  if (baselineDir) source.baseline = { title: `baseline ${path.basename(baselineDir)}`, profile: readFlameProfile(path.join(baselineDir, 'cpu.cpuprofile')) };
  return source;
}

export class FlameGraphPanel implements vscode.Disposable {
  private static current: FlameGraphPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  /** A profile was posted and the webview has not said `drawn` yet. */
  private inFlight = false;
  /** The source changed while a profile was in flight: send the latest one on `drawn`. */
  private pending = false;

  /** True when the open panel follows the running benchmark. */
  static get showingLive(): boolean {
    return FlameGraphPanel.current?.source.live === true;
  }

  /** Updates the panel with a newer merge of the live slices, or the saved run once it ends; no panel, no work. */
  static update(source: FlameSource): void {
    const current = FlameGraphPanel.current;
    if (!current || current.source.live !== true) return;
    current.source = source;
    current.panel.title = panelTitle(source);
    current.send();
  }

  static show(extensionUri: vscode.Uri, source: FlameSource): FlameGraphPanel {
    const existing = FlameGraphPanel.current;
    if (existing) {
      existing.source = source;
      existing.panel.title = panelTitle(source);
      existing.panel.reveal(undefined, false);
      existing.send();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(viewType, panelTitle(source), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    FlameGraphPanel.current = new FlameGraphPanel(panel, extensionUri, source);
    return FlameGraphPanel.current;
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private source: FlameSource) {
    const asset = (...segments: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
    panel.webview.html = renderWebviewHtml({
      cspSource: panel.webview.cspSource,
      nonce: nonce(),
      scriptUri: asset('dist', 'webviews', 'flameGraph.js'),
      styleUris: [asset('media', 'flame.css')],
      title: 'Hotpath: Flame Graph',
      bodyHtml: '    <main id="flame"><p>Loading the flame graph…</p></main>',
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = this.inFlight = this.pending = false;
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (isFromFlame(m)) void this.handle(m);
      }),
    );
  }

  private async handle(message: FromFlame): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.inFlight = this.pending = false;
        this.send();
        return;
      case 'drawn':
        this.inFlight = false;
        if (this.pending) {
          this.pending = false;
          this.send();
        }
        return;
      case 'openSource': {
        // Only files that exist: the message comes from profile data.
        if (!path.isAbsolute(message.file) || !fs.existsSync(message.file)) {
          void vscode.window.showInformationMessage(`Hotpath: ${message.file} is not a file in this workspace.`);
          return;
        }
        await vscode.commands.executeCommand(OPEN_SOURCE_COMMAND, { file: message.file, line: Math.max(1, Math.round(message.line)) });
        return;
      }
      default:
        assertNever(message);
    }
  }

  /**
   * At most one profile on its way at a time. Live slices come every 2 s and
   * each message is the whole merged profile; unpaced, a webview that draws
   * slower than that (a starved renderer) left them queued between the host
   * and the webview, growing with the run (the extension host's memory and the
   * dashboard's lag with it).
   */
  private send(): void {
    if (this.disposed || !this.ready) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    const s = this.source;
    // Columns, not the profile's node objects: the webview receives a few
    // typed arrays (VS Code hands ArrayBuffers over whole) and has nothing to
    // convert before its first paint.
    const message: ToFlame = {
      type: 'showProfile',
      profile: columnsOf(s.profile),
      title: s.title,
      baseline: s.baseline ? columnsOf(s.baseline.profile) : null,
      baselineTitle: s.baseline?.title,
      live: s.live === true,
    };
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (FlameGraphPanel.current === this) FlameGraphPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Encoded once per profile: a re-shown panel or an unchanged baseline is not encoded again. */
const encoded = new WeakMap<RawCpuProfile, FlameColumns>();
function columnsOf(profile: RawCpuProfile): FlameColumns {
  let columns = encoded.get(profile);
  if (!columns) encoded.set(profile, (columns = encodeFlameColumns(profile)));
  return columns;
}

function panelTitle(source: FlameSource): string {
  if (source.live) return `Flame Graph: ${source.title} (live)`;
  return source.baseline ? `Flame Graph: ${source.title} vs ${source.baseline.title}` : `Flame Graph: ${source.title}`;
}

function assertNever(value: never): never {
  throw new Error(`Unhandled flame graph message: ${JSON.stringify(value)}`);
}
