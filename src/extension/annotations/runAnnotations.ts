// Which run the editor annotations show, and where its files are on disk.
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../engine/runRecord';

export interface AnnotatedRun {
  record: RunRecord;
  /** Folder that run.json paths are relative to (the config file's folder). */
  root: string;
}

/** Holds the selected run; lenses, heat and diagnostics follow it. */
export class RunAnnotations implements vscode.Disposable {
  private current: AnnotatedRun | null = null;
  private readonly changed = new vscode.EventEmitter<AnnotatedRun | null>();
  readonly onDidChange = this.changed.event;

  get run(): AnnotatedRun | null {
    return this.current;
  }

  show(run: AnnotatedRun | null): void {
    this.current = run;
    this.changed.fire(run);
  }

  /** The absolute path a run.json file reference points at. */
  resolve(file: string): string {
    return path.isAbsolute(file) || !this.current ? file : path.join(this.current.root, file);
  }

  /** True when the document is the file a run.json path names. */
  matches(document: vscode.TextDocument, file: string): boolean {
    return path.resolve(document.uri.fsPath) === path.resolve(this.resolve(file));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
