import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

export interface ProcessUsage {
  /** Highest resident set seen while sampling, MiB. */
  peakRssMiB: number;
  /** User plus system CPU time used while sampling. */
  cpuSeconds: number;
  /** Highest V8 heap in use and reserved, and memory outside it (Buffers), from the service's /metrics. */
  peakHeapUsedMiB?: number;
  peakHeapTotalMiB?: number;
  peakExternalMiB?: number;
}

/** Names of the processes every run measures besides the services. */
export const BROKER = 'kafka broker';
export const POSTGRES = 'postgres (all processes)';

const MiB = 1024 * 1024;
const SAMPLE_EVERY_MS = 250;
const HEAP_EVERY_MS = 1_000;
const HEAP_GAUGES = [
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_external_memory_bytes',
] as const;
type HeapGauge = (typeof HEAP_GAUGES)[number];
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
  private readonly peakHeap = new Map<string, Partial<Record<HeapGauge, number>>>();
  private timer: NodeJS.Timeout | undefined;
  private heapTimer: NodeJS.Timeout | undefined;
  private readonly pids: Record<string, number>;
  private readonly metricsUrls: Record<string, string>;

  /** `metricsUrls`: the /metrics of the processes (by the same names) that have one. */
  constructor(pids: Record<string, number>, metricsUrls: Record<string, string> = {}) {
    this.pids = pids;
    this.metricsUrls = metricsUrls;
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
    this.heapTimer = setInterval(() => void this.sampleHeaps(), HEAP_EVERY_MS);
    return this;
  }

  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    clearInterval(this.heapTimer);
    this.sample();
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const peak = Math.max(this.peakKiB.get(pid) ?? 0, statusKiB(pid, 'VmHWM'));
      const heap = this.peakHeap.get(name);
      usage[name] = {
        peakRssMiB: Math.round((peak * 1024) / MiB),
        cpuSeconds: seconds((cpuTicks(pid) ?? 0) - (this.startTicks.get(pid) ?? 0)),
        ...(heap
          ? {
              peakHeapUsedMiB: Math.round((heap.nodejs_heap_size_used_bytes ?? 0) / MiB),
              peakHeapTotalMiB: Math.round((heap.nodejs_heap_size_total_bytes ?? 0) / MiB),
              peakExternalMiB: Math.round((heap.nodejs_external_memory_bytes ?? 0) / MiB),
            }
          : {}),
      };
    }
    let postgresTicks = 0;
    for (const pid of postgresPids())
      postgresTicks += (cpuTicks(pid) ?? 0) - (this.postgresStart.get(pid) ?? 0);
    usage[POSTGRES] = { peakRssMiB: Number.NaN, cpuSeconds: seconds(postgresTicks) };
    return usage;
  }

  private sample(): void {
    for (const pid of Object.values(this.pids)) {
      this.peakKiB.set(pid, Math.max(this.peakKiB.get(pid) ?? 0, statusKiB(pid, 'VmRSS')));
    }
  }

  private async sampleHeaps(): Promise<void> {
    await Promise.all(
      Object.entries(this.metricsUrls).map(async ([name, url]) => {
        try {
          const text = await (await fetch(url)).text();
          const peak = this.peakHeap.get(name) ?? {};
          for (const gauge of HEAP_GAUGES) {
            const value = Number(new RegExp(`^${gauge}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
            peak[gauge] = Math.max(peak[gauge] ?? 0, value);
          }
          this.peakHeap.set(name, peak);
        } catch {
          // A busy service may not answer within the second: the next sample counts.
        }
      }),
    );
  }
}

function seconds(ticks: number): number {
  return Math.round((ticks / ticksPerSecond) * 10) / 10;
}
