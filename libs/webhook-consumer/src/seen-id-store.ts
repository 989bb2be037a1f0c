/**
 * Remembers which deliveries were already accepted, to refuse replays. One atomic operation rather than
 * `has` + `add` so two copies of a request racing through two workers cannot both be accepted; with Redis
 * it is `SET key 1 NX EX ttl`.
 */
export interface SeenIdStore {
  /** Records `id` for `ttlSeconds` and resolves true, or resolves false if it is already recorded. */
  addIfAbsent(id: string, ttlSeconds: number): boolean | Promise<boolean>;
}

export interface InMemorySeenIdStoreOptions {
  readonly now?: () => Date;
}

const SWEEP_INTERVAL_MS = 60_000;

/** A per-process store. Enough for one instance; several instances behind a balancer need a shared one. */
export class InMemorySeenIdStore implements SeenIdStore {
  private readonly expiries = new Map<string, number>();
  private readonly now: () => Date;
  private nextSweepAt = 0;

  constructor({ now = () => new Date() }: InMemorySeenIdStoreOptions = {}) {
    this.now = now;
  }

  addIfAbsent(id: string, ttlSeconds: number): boolean {
    const nowMs = this.now().getTime();
    this.sweepExpired(nowMs);
    const expiresAt = this.expiries.get(id);
    if (expiresAt !== undefined && expiresAt > nowMs) return false;
    this.expiries.set(id, nowMs + ttlSeconds * 1000);
    return true;
  }

  get size(): number {
    return this.expiries.size;
  }

  // Periodic rather than per call, so the cost stays amortised O(1) per delivery.
  private sweepExpired(nowMs: number): void {
    if (nowMs < this.nextSweepAt) return;
    this.nextSweepAt = nowMs + SWEEP_INTERVAL_MS;
    for (const [id, expiresAt] of this.expiries) {
      if (expiresAt <= nowMs) this.expiries.delete(id);
    }
  }
}
