// Typed command and setting ids: one place, so a rename cannot miss a caller.
import * as vscode from 'vscode';

export const enum Commands {
  RunBenchmark = 'hotpath.runBenchmark',
  StopBenchmark = 'hotpath.stopBenchmark',
  OpenReport = 'hotpath.openReport',
  CompareWithBaseline = 'hotpath.compareWithBaseline',
  ExportReport = 'hotpath.exportReport',
  ClearAnnotations = 'hotpath.clearAnnotations',
  ShowDashboard = 'hotpath.showDashboard',
  RefreshRuns = 'hotpath.refreshRuns',
  SetBaseline = 'hotpath.setBaseline',
  RevealRunFolder = 'hotpath.revealRunFolder',
  DeleteRun = 'hotpath.deleteRun',
  ShowFlameGraph = 'hotpath.showFlameGraph',
  CompareFlameGraphWithBaseline = 'hotpath.compareFlameGraphWithBaseline',
}

export const enum ContextKeys {
  Running = 'hotpath.running',
}

export interface Settings {
  configFile: string;
  runsDirectory: string;
  'cpu.samplingIntervalMicros': number;
  'dashboard.openOnRun': boolean;
  'load.defaultScenario': 'baseline' | 'load' | 'stress' | 'spike' | 'soak';
  'analysis.nPlusOne.minRepeats': number;
  'analysis.nPlusOne.minTotalMs': number;
  'annotations.style': 'lensesAndHeat' | 'lenses' | 'heat' | 'none';
  'annotations.minSelfPercent': number;
}

export function setting<K extends keyof Settings>(key: K, scope?: vscode.ConfigurationScope): Settings[K] {
  return vscode.workspace.getConfiguration('hotpath', scope).get<Settings[K]>(key) as Settings[K];
}

export function registerCommand(id: Commands, fn: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, fn);
}
