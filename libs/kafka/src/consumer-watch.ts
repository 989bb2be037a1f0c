import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { StallDetector, type PartitionPosition } from './stall-detector';

/** A consumer group that holds partitions with input waiting and has not committed past it for too long. */
export interface ConsumerStall {
  groupId: string;
  partitions: string[];
}

/**
 * Watches one consumer's progress from the broker's side: every few seconds it reads the group's
 * committed offsets and the logs' end offsets for the partitions this member was last assigned, and asks
 * the StallDetector which stand still with input waiting. The assignment is kept through a crash, so a
 * consumer that stops and never comes back counts as stalled too.
 */
export class ConsumerWatch {
  private readonly detector: StallDetector;
  private assigned = new Map<string, number[]>();
  private stalled: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly groupId: string,
    consumer: Consumer,
    private readonly admin: Admin,
    private readonly stallAfterMs: number,
    private readonly logger: Logger,
  ) {
    this.detector = new StallDetector(stallAfterMs);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = new Map(Object.entries(payload.memberAssignment));
    });
  }

  /** The stall this consumer is in, if any, as of the last look. */
  get stall(): ConsumerStall | undefined {
    return this.stalled.length > 0 ? { groupId: this.groupId, partitions: this.stalled } : undefined;
  }

  start(): void {
    const intervalMs = Math.min(5_000, Math.max(250, Math.floor(this.stallAfterMs / 4)));
    this.timer = setInterval(() => {
      this.look().catch((error: unknown) => {
        // The broker is away: /ready says so; the last verdict stands until the broker answers again.
        this.logger.debug({ err: error, groupId: this.groupId }, 'consumer progress could not be read');
      });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.assigned = new Map();
    this.stalled = [];
  }

  private async look(): Promise<void> {
    const topics = [...this.assigned.keys()];
    if (topics.length === 0) return;
    const [committed, ends] = await Promise.all([
      this.admin.fetchOffsets({ groupId: this.groupId, topics }),
      Promise.all(
        topics.map(async (topic) => ({ topic, offsets: await this.admin.fetchTopicOffsets(topic) })),
      ),
    ]);
    const committedAt = new Map(
      committed.flatMap(({ topic, partitions }) =>
        partitions.map((p): [string, bigint] => [`${topic}:${p.partition}`, BigInt(p.offset)]),
      ),
    );
    const positions: PartitionPosition[] = ends.flatMap(({ topic, offsets }) => {
      const mine = new Set(this.assigned.get(topic) ?? []);
      return offsets
        .filter((o) => mine.has(o.partition))
        .map((o) => {
          const key = `${topic}:${o.partition}`;
          const offset = committedAt.get(key);
          return {
            key,
            committed: offset === undefined || offset < 0n ? null : offset,
            start: BigInt(o.low),
            end: BigInt(o.high),
          };
        });
    });
    const stalled = this.detector.observe(positions, Date.now());
    if (stalled.length > 0 && this.stalled.length === 0) {
      this.logger.error(
        { groupId: this.groupId, partitions: stalled, stallAfterMs: this.stallAfterMs },
        'consumer stalled: input is waiting and nothing was committed',
      );
    } else if (stalled.length === 0 && this.stalled.length > 0) {
      this.logger.info({ groupId: this.groupId }, 'consumer making progress again');
    }
    this.stalled = stalled;
  }
}
