import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export interface ProcessUsage {
  /** Highest resident set seen while sampling, MiB. */
  peakRssMiB: number;
  /** User plus system CPU time used while sampling. */
  cpuSeconds: number;
}

const MiB = 1024 * 1024;
const SAMPLE_EVERY_MS = 250;
const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** User plus system CPU ticks of a process, or undefined once it is gone. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields that follow the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Every Postgres process on the machine: the bench cannot tell its own backends from others'. */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    });
}

/**
 * Peak RSS and CPU seconds of some processes over an interval. The kernel's high-water mark
 * (VmHWM) is reset at the start where allowed, so the peak covers this interval only; sampling
 * VmRSS backs it up where it is not.
 */
export class ResourceSampler {
  private readonly startTicks = new Map<number, number>();
  private readonly peakKiB = new Map<number, number>();
  private postgresStart = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pids: Record<string, number>;

  constructor(pids: Record<string, number>) {
    this.pids = pids;
  }

  start(): this {
    for (const pid of Object.values(this.pids)) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // Not permitted here: the sampled VmRSS is the peak.
      }
      this.startTicks.set(pid, cpuTicks(pid) ?? 0);
      this.peakKiB.set(pid, statusKiB(pid, 'VmRSS'));
    }
    this.postgresStart = new Map(postgresPids().map((pid) => [pid, cpuTicks(pid) ?? 0]));
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    return this;
  }

  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    this.sample();
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const peak = Math.max(this.peakKiB.get(pid) ?? 0, statusKiB(pid, 'VmHWM'));
      usage[name] = {
        peakRssMiB: Math.round((peak * 1024) / MiB),
        cpuSeconds: seconds((cpuTicks(pid) ?? 0) - (this.startTicks.get(pid) ?? 0)),
      };
    }
    let postgresTicks = 0;
    for (const pid of postgresPids())
      postgresTicks += (cpuTicks(pid) ?? 0) - (this.postgresStart.get(pid) ?? 0);
    usage['postgres (all processes)'] = { peakRssMiB: Number.NaN, cpuSeconds: seconds(postgresTicks) };
    return usage;
  }

  private sample(): void {
    for (const pid of Object.values(this.pids)) {
      this.peakKiB.set(pid, Math.max(this.peakKiB.get(pid) ?? 0, statusKiB(pid, 'VmRSS')));
    }
  }
}

function seconds(ticks: number): number {
  return Math.round((ticks / ticksPerSecond) * 10) / 10;
}
