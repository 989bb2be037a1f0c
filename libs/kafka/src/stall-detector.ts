/** Where one assigned partition stands: the group's committed offset and the log's start and end. */
export interface PartitionPosition {
  /** `topic:partition` */
  key: string;
  /** The group's committed offset (the next message it will read), or null if it never committed. */
  committed: bigint | null;
  /** The log start and end (high watermark) offsets. */
  start: bigint;
  end: bigint;
}

/**
 * Tells stalled partitions from busy and idle ones, from successive looks at the consumer group's
 * committed offsets: a partition is stalled when messages wait behind its committed offset and that
 * offset has not moved for `stallAfterMs` (the rule Kafka lag monitors such as Burrow use). Committed
 * offsets only move when work is durably done, so this catches every way a consumer can stop making
 * progress: a handler awaiting forever, a consumer that never fetches again, a budget never given back.
 */
export class StallDetector {
  /** Per partition: the committed offset last seen, and since when it has stood there with input waiting. */
  private readonly standing = new Map<string, { committed: bigint; since: number; waiting: boolean }>();

  constructor(private readonly stallAfterMs: number) {}

  /** One look at every partition the consumer holds; returns the keys of the stalled ones. */
  observe(positions: readonly PartitionPosition[], now: number): string[] {
    const held = new Set(positions.map((p) => p.key));
    for (const key of this.standing.keys()) if (!held.has(key)) this.standing.delete(key);
    const stalled: string[] = [];
    for (const { key, committed, start, end } of positions) {
      const read = committed === null || committed < start ? start : committed;
      const waiting = end > read;
      const previous = this.standing.get(key);
      // Nothing waiting is idle, not stalled; a moved offset is progress; input that just arrived has all
      // its time ahead. In each case the clock starts now.
      if (!waiting || !previous?.waiting || previous.committed !== read) {
        this.standing.set(key, { committed: read, since: now, waiting });
        continue;
      }
      if (now - previous.since >= this.stallAfterMs) stalled.push(key);
    }
    return stalled;
  }
}
