import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PrismaService } from '@smart-dairy/db';
import type { AttemptRecord, DeadLetter, DeliveryOutcome } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository } from '../deliveries/deliveries.repository';
import type { AttemptData, AttemptWrite } from '../deliveries/attempt-write';
import { DispatcherMetrics } from '../dispatcher-metrics';
import { KeyOrdering } from '../ordering/key-ordering';
import { turnsEnded } from '../ordering/turns';
import { neededOutcomes } from './needed-outcomes';
import { RecordPublisher } from './record-publisher';

interface Pending {
  write: AttemptWrite;
  resolve: () => void;
}

const RETRY_FLUSH_AFTER_MS = 1_000;
const SHUTDOWN_DRAIN_MS = 5_000;

/**
 * Makes attempts durable in batches: attempt rows, delivery states (answering replay requests), the
 * subscription's failure streak, then dead letters and the outcomes dlq-review needs (`neededOutcomes`)
 * on Kafka, and the release of deliveries waiting for the ordered ones that ended (KeyOrdering). `record` resolves only when all of that is done, so the caller may then let the Kafka offset
 * go. A failed flush is retried with the same batch (nothing is dropped); meanwhile the in-flight budget
 * stops new intake, and /ready fails (RecorderReadiness). A message the broker refuses as too large is
 * not a failed flush (RecordPublisher).
 */
@Injectable()
export class AttemptRecorder implements BeforeApplicationShutdown, OnApplicationShutdown {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failingSince: Date | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly deliveries: DeliveriesRepository,
    private readonly publisher: RecordPublisher,
    private readonly ordering: KeyOrdering,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get backlog(): number {
    return this.queue.length;
  }

  /** Throws while the latest flush failed: the recorder cannot write, and the deliveries behind it wait. */
  assertWriting(): void {
    if (this.failingSince) {
      throw new Error(`recording attempts has failed since ${this.failingSince.toISOString()}`);
    }
  }

  record(write: AttemptWrite): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ write, resolve });
      if (this.queue.length >= this.settings.config.RECORD_BATCH_SIZE) this.schedule(0);
      else this.schedule(this.settings.config.RECORD_FLUSH_INTERVAL_MS);
    });
  }

  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await (this.flushing ?? this.flushNow());
    }
  }

  /**
   * After the Kafka transport stopped intake and waited for deliveries (module destroy), and before it
   * commits (transport close): what is still queued is written, so its offsets can be committed. With
   * Postgres away that cannot succeed; after a few seconds the rest is left to be read again.
   */
  async beforeApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_DRAIN_MS)));
    await Promise.race([this.drain(), bound]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.flushing) return;
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushNow();
    }, delayMs);
  }

  private flushNow(): Promise<void> {
    const batch = this.queue.splice(0, this.settings.config.RECORD_BATCH_SIZE);
    if (batch.length === 0) return Promise.resolve();
    this.flushing = this.persist(batch.map((p) => p.write))
      .then(() => {
        this.failingSince = undefined;
        for (const p of batch) p.resolve();
      })
      .catch(async (error: unknown) => {
        this.failingSince ??= new Date();
        this.metrics.recordFailures.inc();
        this.logger.error(
          { err: error, writes: batch.length },
          'recording attempts failed; retrying the batch',
        );
        this.queue.unshift(...batch);
        await new Promise((r) => setTimeout(r, RETRY_FLUSH_AFTER_MS));
      })
      .finally(() => {
        this.flushing = undefined;
        this.metrics.recordBacklog.set(this.queue.length);
        if (this.queue.length > 0) this.schedule(0);
      });
    return this.flushing;
  }

  private async persist(writes: AttemptWrite[]): Promise<void> {
    const attempts = writes.flatMap((w) =>
      w.attempt ? [{ deliveryId: w.delivery.deliveryId, ...w.attempt }] : [],
    );
    const { succeeded, failed } = failureStreakChanges(writes);
    const ended = turnsEnded(writes);
    const [endedRuns] = await this.prisma.$transaction([
      this.endFailureRuns(succeeded),
      ...(attempts.length ? [this.insertAttempts(attempts)] : []),
      this.deliveries.recordStates(writes),
      ...(ended.length ? [this.deliveries.endTurns(ended)] : []),
      ...(failed.size ? [this.startFailureRuns(failed)] : []),
    ]);
    await this.publish(writes, new Set(endedRuns.map((row) => row.id)));
    // Only once the ends are committed: a wait taken meanwhile is seen here, or sees the end itself.
    await this.ordering.release(ended);
  }

  // Batches are up to RECORD_BATCH_SIZE rows: one array per column keeps the statements small.
  private insertAttempts(attempts: (AttemptData & { deliveryId: string })[]) {
    const column = <T>(pick: (a: AttemptData & { deliveryId: string }) => T) => attempts.map(pick);
    return this.prisma.$executeRaw`
      INSERT INTO "delivery_attempts" ("delivery_id", "attempt", "status_code", "latency_ms", "error_class",
        "error", "response_body", "started_at", "finished_at")
      SELECT v.delivery_id, v.attempt, v.status_code, v.latency_ms, v.error_class, v.error, v.response_body,
        v.started_at AT TIME ZONE 'UTC', v.finished_at AT TIME ZONE 'UTC'
      FROM unnest(
        ${column((a) => a.deliveryId)}::text[],
        ${column((a) => a.number)}::int[],
        ${column((a) => a.statusCode)}::int[],
        ${column((a) => a.latencyMs)}::int[],
        ${column((a) => a.errorClass)}::text[],
        ${column((a) => a.error)}::text[],
        ${column((a) => a.responseBody)}::text[],
        ${column((a) => a.startedAt.toISOString())}::timestamptz[],
        ${column((a) => a.finishedAt.toISOString())}::timestamptz[]
      ) AS v(delivery_id, attempt, status_code, latency_ms, error_class, error, response_body, started_at,
        finished_at)
      ON CONFLICT DO NOTHING`;
  }

  /** Ends the failure streaks of these subscriptions and returns those that had one. */
  private endFailureRuns(subscriptionIds: ReadonlySet<string>) {
    return this.prisma.subscription.updateManyAndReturn({
      where: { id: { in: [...subscriptionIds] }, failingSince: { not: null } },
      data: { failingSince: null },
      select: { id: true },
    });
  }

  /** Starts a failure streak for these subscriptions where none is running. */
  private startFailureRuns(subscriptionIds: ReadonlySet<string>) {
    return this.prisma.subscription.updateMany({
      where: { id: { in: [...subscriptionIds] }, failingSince: null },
      data: { failingSince: new Date() },
    });
  }

  private async publish(writes: AttemptWrite[], endedRuns: ReadonlySet<string>): Promise<void> {
    const now = new Date().toISOString();
    const outcomes = neededOutcomes(writes, endedRuns).map((w) => {
      const outcome: DeliveryOutcome = {
        deliveryId: w.delivery.deliveryId,
        subscriptionId: w.delivery.subscriptionId,
        eventId: w.delivery.event.eventId,
        eventType: w.delivery.event.eventType,
        attempt: w.attempt?.number ?? w.attemptCount,
        outcome: w.next.status === 'retrying' ? 'retry_scheduled' : w.next.status,
        statusCode: w.attempt?.statusCode ?? null,
        errorClass: w.attempt?.errorClass ?? null,
        latencyMs: w.attempt?.latencyMs ?? null,
        nextAttemptAt: 'nextAttemptAt' in w.next ? w.next.nextAttemptAt.toISOString() : null,
        at: now,
      };
      return outcome;
    });
    const deadLetters = await this.deadLetters(writes, now);
    await this.publisher.publishOutcomes(outcomes);
    await this.publisher.publishDeadLetters(deadLetters);
  }

  private async deadLetters(writes: AttemptWrite[], movedAt: string): Promise<DeadLetter[]> {
    const dead = writes.filter((w) => w.next.status === 'dead_lettered');
    if (dead.length === 0) return [];
    // Only the attempts a dead letter may carry: a delivery replayed again and again has many more.
    const { maxAttempts } = this.publisher.deadLetterBounds;
    const rows = await this.prisma.deliveryAttempt.findMany({
      where: {
        OR: dead.map((w) => ({
          deliveryId: w.delivery.deliveryId,
          attempt: { gt: w.attemptCount - maxAttempts },
        })),
      },
      orderBy: { attempt: 'asc' },
    });
    const history = new Map<string, AttemptRecord[]>();
    for (const row of rows) {
      const list = history.get(row.deliveryId) ?? [];
      list.push({
        attempt: row.attempt,
        statusCode: row.statusCode,
        errorClass: row.errorClass,
        error: row.error,
        latencyMs: row.latencyMs,
        responseBody: row.responseBody,
        startedAt: row.startedAt.toISOString(),
        finishedAt: row.finishedAt.toISOString(),
      });
      history.set(row.deliveryId, list);
    }
    return dead.map((w): DeadLetter => {
      const why = w.next.status === 'dead_lettered' ? w.next.why : undefined;
      const reason = w.next.status === 'dead_lettered' ? w.next.reason : 'terminal';
      const errorClass = w.attempt?.errorClass ?? why ?? 'unknown';
      const latest = history.get(w.delivery.deliveryId) ?? [];
      const omitted = w.attemptCount - latest.length;
      return {
        deliveryId: w.delivery.deliveryId,
        subscriptionId: w.delivery.subscriptionId,
        eventId: w.delivery.event.eventId,
        eventType: w.delivery.event.eventType,
        priority: w.delivery.priority,
        occurredAt: w.delivery.event.timestamp,
        data: JSON.parse(w.delivery.event.dataJson) as Record<string, unknown>,
        reason,
        errorClass,
        finalError: w.attempt?.error ?? (w.attempt?.statusCode ? `HTTP ${w.attempt.statusCode}` : errorClass),
        history: latest,
        ...(omitted > 0 ? { omittedAttempts: omitted } : {}),
        ...(w.delivery.orderingKey === null ? {} : { orderingKey: w.delivery.orderingKey }),
        movedAt,
      };
    });
  }
}

/** A success ends a subscription's failure streak; a failure starts one if none is running. */
function failureStreakChanges(writes: readonly AttemptWrite[]) {
  const succeeded = new Set<string>();
  const failed = new Set<string>();
  for (const w of writes) {
    if (!w.attempt) continue;
    (w.next.status === 'delivered' ? succeeded : failed).add(w.delivery.subscriptionId);
  }
  for (const id of succeeded) failed.delete(id);
  return { succeeded, failed };
}
