import { PartitionOffsets } from './partition-offsets';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface FlowBudgets {
  /** Unfinished messages one partition may hold before it is paused. */
  partition: number;
  /** Unfinished messages the whole consumer may hold before partitions are paused. */
  process: number;
}

/** What a batch may hand to its handler, and how its messages are given back. */
export interface Admission {
  /** Offsets that fit the budgets: resolved once the handler took them; the rest are fetched again. */
  taken: string[];
  /** Taken offsets not already in flight from an earlier fetch: the ones the handler gets. */
  fresh: string[];
  /** True when not every offset fit: the partition must be paused. */
  pause: boolean;
  /** Marks one fresh offset finished. Safe to call twice, and after the partition was revoked. */
  complete(offset: string): void;
  /** Gives every fresh offset back unfinished (the handler did not take them). */
  abandon(): void;
}

/**
 * Flow control for a consumer whose messages finish out of order (the dispatcher's deliveries run
 * for seconds and in parallel): how much a batch may take, which partitions to pause and resume, and
 * which offset of each partition is safe to commit. Memory stays bounded under any backlog, because
 * past a budget a partition is paused instead of buffered. Pure bookkeeping: the transport does the
 * Kafka calls.
 */
export class FlowControl {
  private readonly partitions = new Map<string, PartitionOffsets>();
  private readonly paused = new Map<string, TopicPartition>();
  /** Fresh offsets not yet finished, over every partition (including ones since revoked). */
  private unfinishedCount = 0;

  constructor(private readonly budgets: FlowBudgets) {}

  get unfinished(): number {
    return this.unfinishedCount;
  }

  get hasPaused(): boolean {
    return this.paused.size > 0;
  }

  admit(at: TopicPartition, offsets: readonly string[]): Admission {
    const key = keyOf(at);
    const partition = this.partitions.get(key) ?? new PartitionOffsets();
    this.partitions.set(key, partition);
    const room = Math.max(
      0,
      Math.min(this.budgets.partition - partition.inFlight, this.budgets.process - this.unfinishedCount),
    );
    const taken = offsets.slice(0, room);
    const pause = taken.length < offsets.length;
    if (pause) this.paused.set(key, at);
    // A restart or rebalance that leaves this partition here fetches again from the last commit: an offset
    // still in flight from before is not tracked twice, so its first copy alone finishes it.
    const fresh = taken.filter((offset) => !partition.isPending(offset));
    for (const offset of fresh) partition.track(offset);
    this.unfinishedCount += fresh.length;
    let abandoned = false;
    return {
      taken,
      fresh,
      pause,
      complete: (offset) => {
        if (!abandoned && partition.complete(offset)) this.unfinishedCount -= 1;
      },
      abandon: () => {
        const open = fresh.filter((offset) => partition.isPending(offset));
        abandoned = true;
        partition.untrack(fresh);
        this.unfinishedCount -= open.length;
      },
    };
  }

  /**
   * Partitions to resume: once the consumer and each partition are back under half their budget, so a
   * resumed partition has room for a whole batch rather than one message at a time.
   */
  resumable(): TopicPartition[] {
    if (this.paused.size === 0 || this.unfinishedCount > this.budgets.process / 2) return [];
    const ready: TopicPartition[] = [];
    for (const [key, at] of this.paused) {
      if ((this.partitions.get(key)?.inFlight ?? 0) > this.budgets.partition / 2) continue;
      this.paused.delete(key);
      ready.push(at);
    }
    return ready;
  }

  /** The offsets to commit now (Kafka's next offset to read), each below every unfinished one. */
  committable(): (TopicPartition & { offset: string })[] {
    const commits = [];
    for (const [key, partition] of this.partitions) {
      const offset = partition.takeCommittable();
      if (offset !== undefined) commits.push({ ...topicPartitionOf(key), offset });
    }
    return commits;
  }

  /** After a failed commit: offer the same offsets again next time. */
  commitFailed(commits: readonly TopicPartition[]): void {
    for (const at of commits) this.partitions.get(keyOf(at))?.commitFailed();
  }

  /**
   * After a rebalance: partitions handed to another consumer are forgotten (it starts from the last
   * commit). Their deliveries still running finish and free their budget, but commit nothing.
   */
  retain(assigned: readonly TopicPartition[]): void {
    const keep = new Set(assigned.map(keyOf));
    for (const key of this.partitions.keys()) if (!keep.has(key)) this.partitions.delete(key);
    for (const key of this.paused.keys()) if (!keep.has(key)) this.paused.delete(key);
  }
}

function keyOf({ topic, partition }: TopicPartition): string {
  return `${topic}:${partition}`;
}

function topicPartitionOf(key: string): TopicPartition {
  const separator = key.lastIndexOf(':');
  return { topic: key.slice(0, separator), partition: Number(key.slice(separator + 1)) };
}
