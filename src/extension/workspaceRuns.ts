// Where this workspace's config and runs are.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { setting } from './contributions';

export interface WorkspaceLocation {
  folder: vscode.WorkspaceFolder;
  configFile: string;
  runsDir: string;
}

/** The first workspace folder that has a config file (or the first folder, for error messages). */
export function locateWorkspace(): WorkspaceLocation | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const locations = folders.map((folder) => {
    const configFile = path.resolve(folder.uri.fsPath, setting('configFile', folder.uri));
    const runsDir = path.resolve(path.dirname(configFile), setting('runsDirectory', folder.uri));
    return { folder, configFile, runsDir };
  });
  return locations.find((l) => fs.existsSync(l.configFile)) ?? locations[0];
}
