// Runs view actions on a run's folder: reveal it, delete it (after a modal
// confirmation). Deleting goes through the run store so the index and the
// baseline stay right for the CLI and CI too.
import * as path from 'path';
import * as vscode from 'vscode';
import { deleteRun } from '../engine/store/retention';

/** Shows the run's folder: in the OS file manager on the desktop, in the Explorer in a browser or remote window. */
export async function revealRunFolder(dir: string): Promise<void> {
  const uri = vscode.Uri.file(dir);
  // A browser (code-server, vscode.dev) or a remote window cannot open the local OS file manager.
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName;
  if (local) {
    await vscode.commands.executeCommand('revealFileInOS', uri);
    return;
  }
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.join(dir, 'run.json')));
}

/** Asks first (modal); true when the run was deleted. */
export async function confirmAndDeleteRun(dir: string, label: string): Promise<boolean> {
  const id = path.basename(dir);
  const choice = await vscode.window.showWarningMessage(
    `Delete the Hotpath run ${label}?`,
    { modal: true, detail: `Its folder ${id} (run.json, profiles and reports) is removed from disk. This cannot be undone.` },
    'Delete',
  );
  if (choice !== 'Delete') return false;
  try {
    return deleteRun(path.dirname(dir), id);
  } catch (err) {
    void vscode.window.showErrorMessage(`Hotpath: ${(err as Error).message}`);
    return false;
  }
}
