// A throwaway PostgreSQL server for one test: a fresh cluster in a temp folder
// (initdb), started on a free loopback port (pg_ctl), stopped and deleted by
// stop(). Uses the server binaries of Debian's `postgresql` package, which CI
// installs; on a developer machine without them the tests that need a server
// are skipped with a message (missingPostgresReason), in CI they fail.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface TestPostgres {
  /** postgresql://postgres@127.0.0.1:PORT/postgres (trust authentication, no password). */
  url: string;
  port: number;
  /** Stops the server at once (pg_ctl stop -m immediate) and deletes its folder. Safe to call twice. */
  stop(): void;
}

const BINARIES = ['initdb', 'pg_ctl'] as const;

/**
 * The folder holding initdb and pg_ctl, or null. Looks at HOTPATH_PG_BIN, then
 * Debian's versioned folders (/usr/lib/postgresql/<ver>/bin, newest first:
 * Debian keeps the server binaries off PATH), then PATH.
 */
export function findPostgresBin(): string | null {
  const has = (dir: string) => BINARIES.every((b) => fs.existsSync(path.join(dir, b)));
  const candidates: string[] = [];
  if (process.env.HOTPATH_PG_BIN) candidates.push(process.env.HOTPATH_PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(debian, v, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find(has) ?? null;
}

/**
 * Why a test that needs PostgreSQL should be skipped, or undefined when it
 * should run. In CI (CI=true) it always runs, so that a missing server fails.
 * Use as `test(name, { skip: missingPostgresReason() }, ...)`.
 */
export function missingPostgresReason(): string | undefined {
  if (process.env.CI === 'true' || findPostgresBin()) return undefined;
  return 'PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian\'s "postgresql" package or set HOTPATH_PG_BIN to the folder that holds them';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * initdb refuses to run as root ("cannot be run as root"), and postgres itself
 * will not start as root either. So when the tests run as root (CI containers
 * do), both run as the `postgres` OS user that Debian's package creates, through
 * runuser (util-linux; unlike su or sudo it needs no PAM session or password
 * and is meant for exactly this: root running a command as another user). The
 * cluster folder is then made owned by postgres. Otherwise they run as the
 * current user.
 */
function asServerUser(): { prefix: string[]; owner: { uid: number; gid: number } | null } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { prefix: [], owner: null };
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('The tests run as root and there is no "postgres" OS user to run PostgreSQL as (initdb refuses root): install Debian\'s "postgresql" package, which creates it.');
  }
  return { prefix: ['runuser', '-u', 'postgres', '--'], owner: { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } };
}

function run(prefix: string[], bin: string, args: string[], what: string, log?: string): void {
  const argv = [...prefix, bin, ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const logText = log && fs.existsSync(log) ? `\n--- server log ---\n${fs.readFileSync(log, 'utf8').slice(-4000)}` : '';
    throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}): ${argv.join(' ')}\n${r.stdout}${r.stderr}${logText}`);
  }
}

/** Starts a fresh PostgreSQL server. Throws with the server's own words when it cannot. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(missingPostgresReason() ?? 'PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian\'s "postgresql" package.');
  const { prefix, owner } = asServerUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  let started = false;
  const pgCtl = path.join(bin, 'pg_ctl');
  const stop = () => {
    process.removeListener('exit', stop);
    if (started) {
      started = false;
      const argv = [...prefix, pgCtl, '-D', data, '-m', 'immediate', '-w', 'stop'];
      spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 30_000 });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // A test process that dies without calling stop() must not leave a server behind.
  process.on('exit', stop);
  try {
    if (owner) fs.chownSync(dir, owner.uid, owner.gid);
    // --no-sync: nothing here needs to survive a crash, and fsync is the slow part.
    run(prefix, path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], 'initdb');
    const port = await freePort();
    // The unix socket goes into the temp folder (-k), not /var/run/postgresql,
    // so neither a system server nor another test's server is disturbed.
    // -l: the server's output goes to a file; without it the server would hold
    // pg_ctl's stdout pipe open and spawnSync would never return.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    started = true; // from here on stop() runs pg_ctl stop, even if start timed out half-way
    run(prefix, pgCtl, ['-D', data, '-o', options, '-l', log, '-w', '-t', '30', 'start'], 'pg_ctl start', log);
    return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
