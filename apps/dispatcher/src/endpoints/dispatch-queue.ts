export type Priority = 'high' | 'medium' | 'low';

const PRIORITIES: readonly Priority[] = ['high', 'medium', 'low'];

export interface QueuedJob {
  endpointId: string;
  priority: Priority;
  /** Requests per second allowed to this endpoint; null for no limit. */
  ratePerSecond: number | null;
  run(): Promise<void>;
  /** Called instead of `run` when the job is taken back unstarted (see `shedStalled`). */
  shed(): void;
}

interface Waiting {
  job: QueuedJob;
  since: number;
}

interface EndpointState {
  jobs: Record<Priority, Waiting[]>;
  running: number;
  /** Requests finished, and that count at the last `shedStalled`: the endpoint's recent pace. */
  finished: number;
  finishedAtLastCheck: number;
  nextSlotAt: number;
  enqueued: Record<Priority, boolean>;
  wakeTimer: NodeJS.Timeout | undefined;
}

export interface DispatchQueueOptions {
  globalLimit: number;
  endpointLimit: number;
  now?: () => number;
}

/**
 * Decides what runs next: higher priorities first, endpoints served round-robin within a
 * priority, at most `endpointLimit` requests in flight per endpoint and `globalLimit` in all,
 * and an endpoint's own requests-per-second limit. A slow endpoint only ever holds its own
 * slots, so it cannot hold up deliveries to the others.
 */
export class DispatchQueue {
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly ready: Record<Priority, string[]> = { high: [], medium: [], low: [] };
  private running = 0;
  private queued = 0;
  private readonly now: () => number;
  private lastCheckAt: number;

  constructor(private readonly options: DispatchQueueOptions) {
    this.now = options.now ?? Date.now;
    this.lastCheckAt = this.now();
  }

  get size(): { running: number; queued: number } {
    return { running: this.running, queued: this.queued };
  }

  submit(job: QueuedJob): void {
    const endpoint = this.endpoint(job.endpointId);
    endpoint.jobs[job.priority].push({ job, since: this.now() });
    this.queued++;
    this.markReady(job.endpointId, endpoint, job.priority);
    this.pump();
  }

  /**
   * Takes back the jobs that waited longer than `maxWaitMs` without starting, at endpoints whose
   * pace since the last call would not clear their backlog within `maxWaitMs` again, and calls each
   * one's `shed`; returns how many. An endpoint that keeps pace is left alone however long its jobs
   * waited: they wait for this process (CPU, global slots), and deferring them would only add work.
   * Jobs wait in submission order, so only the front of each queue is looked at.
   */
  shedStalled(maxWaitMs: number): number {
    const now = this.now();
    const elapsedMs = Math.max(now - this.lastCheckAt, 1);
    this.lastCheckAt = now;
    let shed = 0;
    for (const [id, endpoint] of this.endpoints) {
      const paceWithinWait = ((endpoint.finished - endpoint.finishedAtLastCheck) / elapsedMs) * maxWaitMs;
      endpoint.finishedAtLastCheck = endpoint.finished;
      const waiting = PRIORITIES.reduce((sum, p) => sum + endpoint.jobs[p].length, 0);
      if (waiting <= paceWithinWait) continue;
      for (const priority of PRIORITIES) {
        const jobs = endpoint.jobs[priority];
        let stale = 0;
        while (stale < jobs.length && now - (jobs[stale] as Waiting).since > maxWaitMs) stale++;
        for (const { job } of jobs.splice(0, stale)) job.shed();
        shed += stale;
      }
      this.forgetIfIdle(id, endpoint);
    }
    this.queued -= shed;
    return shed;
  }

  private forgetIfIdle(id: string, endpoint: EndpointState): void {
    if (
      endpoint.running === 0 &&
      PRIORITIES.every((p) => endpoint.jobs[p].length === 0) &&
      !endpoint.wakeTimer
    ) {
      this.endpoints.delete(id);
    }
  }

  private endpoint(id: string): EndpointState {
    let state = this.endpoints.get(id);
    if (!state) {
      state = {
        jobs: { high: [], medium: [], low: [] },
        running: 0,
        finished: 0,
        finishedAtLastCheck: 0,
        nextSlotAt: 0,
        enqueued: { high: false, medium: false, low: false },
        wakeTimer: undefined,
      };
      this.endpoints.set(id, state);
    }
    return state;
  }

  private markReady(id: string, endpoint: EndpointState, priority: Priority): void {
    if (endpoint.enqueued[priority] || endpoint.jobs[priority].length === 0) return;
    endpoint.enqueued[priority] = true;
    this.ready[priority].push(id);
  }

  private pump(): void {
    while (this.running < this.options.globalLimit) {
      const priority = PRIORITIES.find((p) => this.ready[p].length > 0);
      if (!priority) return;
      const id = this.ready[priority].shift() as string;
      const endpoint = this.endpoints.get(id);
      if (!endpoint) continue;
      endpoint.enqueued[priority] = false;
      const job = endpoint.jobs[priority][0]?.job;
      // A busy endpoint re-announces itself when one of its requests finishes.
      if (!job || endpoint.running >= this.options.endpointLimit) continue;
      const now = this.now();
      if (endpoint.nextSlotAt > now) {
        this.wakeAt(id, endpoint, endpoint.nextSlotAt - now);
        continue;
      }
      endpoint.jobs[priority].shift();
      this.queued--;
      if (job.ratePerSecond)
        endpoint.nextSlotAt = Math.max(now, endpoint.nextSlotAt) + 1000 / job.ratePerSecond;
      this.start(id, endpoint, job);
      this.markReady(id, endpoint, priority);
    }
  }

  private start(id: string, endpoint: EndpointState, job: QueuedJob): void {
    endpoint.running++;
    this.running++;
    const finish = () => {
      endpoint.running--;
      endpoint.finished++;
      this.running--;
      for (const p of PRIORITIES) this.markReady(id, endpoint, p);
      this.forgetIfIdle(id, endpoint);
      this.pump();
    };
    // run() handles its own failures; a rejection here would be a bug, surfaced rather than swallowed.
    job.run().then(finish, (error: unknown) => {
      finish();
      throw error;
    });
  }

  private wakeAt(id: string, endpoint: EndpointState, delayMs: number): void {
    if (endpoint.wakeTimer) return;
    endpoint.wakeTimer = setTimeout(() => {
      endpoint.wakeTimer = undefined;
      for (const p of PRIORITIES) this.markReady(id, endpoint, p);
      this.pump();
    }, Math.ceil(delayMs));
  }
}
