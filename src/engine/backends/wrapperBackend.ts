// What 0x and Clinic have in common: a launcher that starts `node` itself,
// stopped through the `--on-port` switch, with the service as its child.

import * as path from 'path';
import { HotpathError } from '../events';
import { delay, ServiceProcess } from '../serviceProcess';
import type { BackendResult, Launch, LaunchSpec, ProfilerBackend, StopOptions } from './backend';
import { childrenOf, cmdline, processStartWallMs } from './processTree';
import { StopSwitch } from './stopSwitch';
import { ExternalTool, LocatedTool, requireTool } from './toolLocator';

/** How long a tool may take to write its output after the service stops, beyond twice the load's length. */
const OUTPUT_GRACE_MS = 60_000;

export abstract class WrapperBackend implements ProfilerBackend {
  abstract readonly name: ProfilerBackend['name'];
  protected abstract readonly tool: ExternalTool;
  protected located: LocatedTool | null = null;
  protected readonly stopSwitch = new StopSwitch();
  protected spec: LaunchSpec | null = null;
  protected launch: Launch | null = null;
  private pid: number | null = null;
  /** Wall-clock times (ms): when the service process started, when it was ready, when the load ended. */
  protected serviceStartedAt: number | null = null;
  protected readyAt: number | null = null;
  protected loadEndedAt: number | null = null;
  private switchStarted = false;

  check(root: string, cwd: string, serviceCommand: string): void {
    const base = path.basename(serviceCommand).replace(/\.exe$/i, '');
    if (base !== 'node') {
      throw new HotpathError(
        `profile.backend "${this.name}" starts the service with node itself, so service.command must be "node" (or a path to node) with the script in service.args, not "${serviceCommand}"; use the "inspector" backend to profile through ${base}.`,
      );
    }
    this.located = requireTool(this.tool, this.name, root, cwd);
  }

  protected abstract toolArgs(spec: LaunchSpec, onPort: string): string[];

  async prepare(spec: LaunchSpec): Promise<Launch> {
    if (!this.located) this.check(spec.root, spec.cwd, spec.node);
    this.spec = spec;
    await this.stopSwitch.start();
    this.switchStarted = true;
    const args = [...this.toolArgs(spec, this.stopSwitch.command(spec.node)), '--', spec.node, ...spec.nodeArgs, ...spec.args];
    this.launch = { command: this.located!.bin, args, env: { ...spec.env, ...this.extraEnv() } };
    return this.launch;
  }

  protected extraEnv(): NodeJS.ProcessEnv {
    return {};
  }

  async afterReady(service: ServiceProcess): Promise<void> {
    this.readyAt = Date.now();
    // The service listens before it answers readyUrl, so the tool has (almost always) run the switch by now.
    await this.stopSwitch.waitConnected(2000);
    const leader = service.pid;
    if (leader === undefined) return;
    const isWaiter = (pid: number) => this.stopSwitch.isWaiter(cmdline(pid));
    for (let attempt = 0; attempt < 20 && this.pid === null; attempt++) {
      const child = childrenOf(leader).find((c) => c.comm !== 'sh' && !isWaiter(c.pid));
      if (child) this.pid = child.pid;
      else await delay(50);
    }
    if (this.pid !== null) this.serviceStartedAt = processStartWallMs(this.pid);
  }

  /** The tool's part of the command line, for run.json: paths in the run folder as "<run>/…", the switch as "<stop switch>". */
  protected describeCommand(): string[] {
    if (!this.launch || !this.spec) return [this.tool];
    const end = this.launch.args.indexOf('--');
    const onPort = this.launch.args.indexOf('--on-port');
    const toolArgs = this.launch.args.slice(0, end < 0 ? undefined : end).map((a, i) => (i === onPort + 1 && onPort >= 0 ? '<stop switch>' : a.split(this.spec!.runDir).join('<run>')));
    return [this.tool, ...toolArgs];
  }

  servicePid(): number | null {
    return this.pid;
  }

  /**
   * Ends the run: the switch tells the tool to stop the service; the tool then
   * writes its output and exits. Anything still running in the group after
   * that — or after the deadline — is killed with the group.
   */
  protected async stopTool(service: ServiceProcess, options: StopOptions): Promise<boolean> {
    this.loadEndedAt = Date.now();
    if (!options.collect) {
      await service.stop();
      return false;
    }
    const leader = service.pid;
    if (this.stopSwitch.connected) this.stopSwitch.release();
    else if (leader !== undefined) {
      // The service never listened, so the tool never ran the switch: Ctrl+C, as in a terminal.
      try {
        process.kill(-leader, 'SIGINT');
      } catch {
        // already gone
      }
    }
    options.onStatus?.(`Waiting for ${this.tool} to write its output`);
    const deadline = OUTPUT_GRACE_MS + 2000 * (this.spec?.loadSeconds ?? 0);
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      service.waitForExit().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadline))),
    ]);
    clearTimeout(timer);
    await service.stop();
    return finished;
  }

  abstract stop(service: ServiceProcess, options: StopOptions): Promise<BackendResult | null>;

  async dispose(): Promise<void> {
    if (this.switchStarted) await this.stopSwitch.close();
    this.switchStarted = false;
  }
}
