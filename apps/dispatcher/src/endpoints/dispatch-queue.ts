export type Priority = 'high' | 'medium' | 'low';

const PRIORITIES: readonly Priority[] = ['high', 'medium', 'low'];
/** How early a rate-limited request may start to make up for a late timer. */
const RATE_SLACK_MS = 20;

export interface QueuedJob {
  endpointId: string;
  priority: Priority;
  /** Requests per second allowed to this endpoint; null for no limit. */
  ratePerSecond: number | null;
  run(): Promise<void>;
  /** Called instead of `run` when the job is taken back unstarted (see `shedStalled`). */
  shed(): void;
}

interface Waiting<J> {
  job: J;
  since: number;
}

interface EndpointState<J> {
  jobs: Record<Priority, Waiting<J>[]>;
  running: number;
  /** Requests finished, and that count at the last `shedStalled`: the endpoint's recent pace. */
  finished: number;
  finishedAtLastCheck: number;
  /** At the last `shedStalled`, more jobs waited than its pace would start within the wait. */
  behind: boolean;
  /** Rate limit: the earliest the next request may start, and how early that is allowed to be. */
  nextSlotAt: number;
  slackMs: number;
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
export class DispatchQueue<J extends QueuedJob = QueuedJob> {
  private readonly endpoints = new Map<string, EndpointState<J>>();
  private readonly ready: Record<Priority, string[]> = { high: [], medium: [], low: [] };
  private running = 0;
  private queued = 0;
  private paused = false;
  private readonly now: () => number;
  private lastCheckAt: number;

  constructor(private readonly options: DispatchQueueOptions) {
    this.now = options.now ?? Date.now;
    this.lastCheckAt = this.now();
  }

  get size(): { running: number; queued: number } {
    return { running: this.running, queued: this.queued };
  }

  submit(job: J): void {
    const endpoint = this.endpoint(job.endpointId);
    endpoint.jobs[job.priority].push({ job, since: this.now() });
    this.queued++;
    this.markReady(job.endpointId, endpoint, job.priority);
    this.pump();
  }

  /**
   * Takes back, and calls `shed` on, the jobs an endpoint cannot start within `maxWaitMs` at its pace
   * since the last call: all but the first that pace would serve, in the order they would run. Only at
   * an endpoint that shows it is behind: a job of its waited longer than `maxWaitMs`, or it was behind
   * at the last call and still is. Returns how many. Shedding every job it cannot serve, not only the
   * long waiters, matters to the endpoints sharing its partitions: its younger jobs would otherwise hold
   * their budget for another `maxWaitMs` each time intake fills up again. An endpoint that keeps pace is
   * left alone however long its jobs waited: they wait for this process (CPU, global slots), and
   * deferring them would only add work.
   */
  shedStalled(maxWaitMs: number): number {
    const now = this.now();
    const elapsedMs = Math.max(now - this.lastCheckAt, 1);
    this.lastCheckAt = now;
    // Paused, no endpoint keeps any pace: that says nothing about the endpoints.
    if (this.paused) {
      for (const endpoint of this.endpoints.values()) endpoint.finishedAtLastCheck = endpoint.finished;
      return 0;
    }
    let shed = 0;
    for (const [id, endpoint] of this.endpoints) {
      const paceWithinWait = ((endpoint.finished - endpoint.finishedAtLastCheck) / elapsedMs) * maxWaitMs;
      endpoint.finishedAtLastCheck = endpoint.finished;
      const waiting = PRIORITIES.reduce((sum, p) => sum + endpoint.jobs[p].length, 0);
      const wasBehind = endpoint.behind;
      endpoint.behind = waiting > paceWithinWait;
      if (!endpoint.behind) continue;
      const waitedTooLong = PRIORITIES.some((p) => now - (endpoint.jobs[p][0]?.since ?? now) > maxWaitMs);
      if (!waitedTooLong && !wasBehind) continue;
      let servable = Math.floor(paceWithinWait);
      for (const priority of PRIORITIES) {
        const jobs = endpoint.jobs[priority];
        const kept = Math.min(servable, jobs.length);
        servable -= kept;
        const unservable = jobs.splice(kept);
        for (const { job } of unservable) job.shed();
        shed += unservable.length;
      }
      this.forgetIfIdle(id, endpoint);
    }
    this.queued -= shed;
    return shed;
  }

  /** Starts nothing more until `resume`; requests already running go on. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Removes the waiting (unstarted) jobs `where` picks and returns them, their callbacks uncalled. */
  takeBack(where: (job: J) => boolean): J[] {
    const taken: J[] = [];
    for (const [id, endpoint] of this.endpoints) {
      for (const priority of PRIORITIES) {
        const kept: Waiting<J>[] = [];
        for (const waiting of endpoint.jobs[priority]) {
          if (where(waiting.job)) taken.push(waiting.job);
          else kept.push(waiting);
        }
        endpoint.jobs[priority] = kept;
      }
      this.forgetIfIdle(id, endpoint);
    }
    this.queued -= taken.length;
    return taken;
  }

  /**
   * An idle endpoint is forgotten, but not before its next rate-limited slot: a job arriving
   * earlier would otherwise find a fresh state and start at once, above the endpoint's rate.
   */
  private forgetIfIdle(id: string, endpoint: EndpointState<J>): void {
    if (endpoint.running > 0 || PRIORITIES.some((p) => endpoint.jobs[p].length > 0) || endpoint.wakeTimer) {
      return;
    }
    const untilSlot = endpoint.nextSlotAt + endpoint.slackMs - this.now();
    if (untilSlot > 0) this.wakeAt(id, endpoint, untilSlot);
    else this.endpoints.delete(id);
  }

  private endpoint(id: string): EndpointState<J> {
    let state = this.endpoints.get(id);
    if (!state) {
      state = {
        jobs: { high: [], medium: [], low: [] },
        running: 0,
        finished: 0,
        finishedAtLastCheck: 0,
        behind: false,
        nextSlotAt: 0,
        slackMs: 0,
        enqueued: { high: false, medium: false, low: false },
        wakeTimer: undefined,
      };
      this.endpoints.set(id, state);
    }
    return state;
  }

  private markReady(id: string, endpoint: EndpointState<J>, priority: Priority): void {
    if (endpoint.enqueued[priority] || endpoint.jobs[priority].length === 0) return;
    endpoint.enqueued[priority] = true;
    this.ready[priority].push(id);
  }

  private pump(): void {
    while (!this.paused && this.running < this.options.globalLimit) {
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
      if (job.ratePerSecond) this.takeSlot(endpoint, job.ratePerSecond, now);
      this.start(id, endpoint, job);
      this.markReady(id, endpoint, priority);
    }
  }

  /**
   * Spaces requests by `1000 / rate` ms on a virtual schedule (GCRA): a timer that fires a little late
   * uses up its slack instead of pushing every later slot back, so a busy event loop does not bring
   * the endpoint below its rate, and no one-second window ever holds more than one request over it.
   */
  private takeSlot(endpoint: EndpointState<J>, ratePerSecond: number, now: number): void {
    const interval = 1000 / ratePerSecond;
    const due = Math.max(now, endpoint.nextSlotAt + endpoint.slackMs) + interval;
    endpoint.slackMs = Math.min(interval / 2, RATE_SLACK_MS);
    endpoint.nextSlotAt = due - endpoint.slackMs;
  }

  private start(id: string, endpoint: EndpointState<J>, job: J): void {
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

  private wakeAt(id: string, endpoint: EndpointState<J>, delayMs: number): void {
    if (endpoint.wakeTimer) return;
    endpoint.wakeTimer = setTimeout(() => {
      endpoint.wakeTimer = undefined;
      for (const p of PRIORITIES) this.markReady(id, endpoint, p);
      this.pump();
      this.forgetIfIdle(id, endpoint);
    }, Math.ceil(delayMs));
    // A wake-up alone must not keep a process alive (the queue's owner does, while it has work).
    endpoint.wakeTimer.unref();
  }
}
