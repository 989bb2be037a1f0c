import { freePort } from '@smart-dairy/stack';
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

interface Cluster {
  port: number;
  dataDir: string;
}

let cluster: Cluster | undefined;

/** The newest server installed from Debian's packages (initdb and pg_ctl are not on PATH there). */
function binary(name: 'initdb' | 'pg_ctl'): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin', name)).find((path) => existsSync(path));
  return found ?? name;
}

/** Postgres refuses to run as root: as root, its tools run as the `postgres` user. */
function run(command: string, args: string[]): Promise<string> {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) =>
    execFile(file, argv, { timeout: 60_000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${command} ${args[0] ?? ''} failed: ${error.message}\n${stderr}`))
        : resolve(stdout),
    ),
  );
}

function current(): Cluster {
  if (!cluster) throw new Error('the chaos Postgres was never started');
  return cluster;
}

const pgCtl = (...args: string[]) => {
  const { dataDir } = current();
  return run(binary('pg_ctl'), ['-D', dataDir, '-w', '-t', '60', ...args]);
};

/** The postmaster and every process it started (backends, checkpointer, walwriter, ...). */
function serverProcesses(): number[] {
  const [pidLine] = readFileSync(join(current().dataDir, 'postmaster.pid'), 'utf8').split('\n');
  const postmaster = Number(pidLine);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid (after the command in parentheses).
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/**
 * The chaos suite's own Postgres server: a throwaway cluster on a free port, so that restarting, pausing
 * or cutting it never touches the machine's shared server (which other test runs use) and every Postgres
 * fault can run in any suite.
 */
export const chaosPostgres = {
  /** A server URL (database `postgres`); databases are created under it. */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${current().port}/postgres`;
  },
  async start(): Promise<void> {
    if (cluster) return;
    const dataDir = mkdtempSync(join(tmpdir(), 'smart-dairy-chaos-pg-'));
    if (process.getuid?.() === 0) {
      const { uid, gid } = postgresUser();
      chownSync(dataDir, uid, gid);
    }
    cluster = { port: await freePort(), dataDir };
    await run(binary('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await pgCtl('-l', logFile(cluster), '-o', serverOptions(cluster), 'start');
  },
  /** A fast restart, as an operator or a failover would do it; resolves once it accepts connections. */
  async restart(): Promise<void> {
    // With no log file the new server would write to pg_ctl's output, which it then holds open for good.
    await pgCtl('-m', 'fast', '-l', logFile(current()), '-o', serverOptions(current()), 'restart');
  },
  /** Freezes every process of the server (SIGSTOP): connections stay open and nothing answers. */
  pause(): void {
    for (const pid of serverProcesses()) process.kill(pid, 'SIGSTOP');
  },
  resume(): void {
    for (const pid of serverProcesses()) process.kill(pid, 'SIGCONT');
  },
  /** Ends every other session on the database from the server's side, as an idle timeout or a DBA would. */
  async terminateSessions(database: string): Promise<number> {
    const admin = new Client({ connectionString: chaosPostgres.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      return rows.length;
    } finally {
      await admin.end();
    }
  },
  /** Stops the server for good and removes its data. */
  async remove(): Promise<void> {
    if (!cluster) return;
    try {
      chaosPostgres.resume();
    } catch {
      // not running: nothing to resume
    }
    await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
    await rm(cluster.dataDir, { recursive: true, force: true });
    cluster = undefined;
  },
};

const logFile = ({ dataDir }: Cluster) => join(dataDir, 'server.log');

function serverOptions({ port, dataDir }: Cluster): string {
  // fsync off: the data is thrown away at the end, and the suite measures the services, not the disk.
  return `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`;
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user on this machine to run the chaos Postgres as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
