import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  DELIVERY_TOPICS,
  KafkaBatchContext,
  KafkaController,
  KafkaTransport,
  type ConsumerOptions,
  type KafkaRecord,
} from '@smart-dairy/kafka';
import { deliveryTaskCodec } from '@smart-dairy/messages';
import { LOGGER, PeriodicJobs, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveryIntake, type IncomingTask } from '../delivery/delivery-intake';
import { DispatcherMetrics } from '../dispatcher-metrics';

export const DELIVERY_CONSUMER = 'dispatcher';
const SHED_CHECK_INTERVAL_MS = 1_000;

/**
 * The delivery task topics. Tasks finish out of order, seconds after they were read: the transport
 * pauses partitions past the in-flight budgets and commits below the lowest unfinished task. Tasks are
 * keyed by subscription and the three topics co-partitioned, so one replica holds all of a
 * subscription's tasks and its limits (concurrency, rate, breaker) hold across the group.
 */
@KafkaController()
export class DeliveryTasksController implements OnApplicationBootstrap {
  constructor(
    private readonly intake: DeliveryIntake,
    private readonly metrics: DispatcherMetrics,
    private readonly transport: KafkaTransport,
    private readonly jobs: PeriodicJobs,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.transport.on('rebalancing', (consumer) => {
      if (consumer === DELIVERY_CONSUMER) this.intake.pauseForRebalance();
    });
    this.transport.on('joined', (consumer, assigned) => {
      if (consumer === DELIVERY_CONSUMER) this.intake.keepOnly(assigned);
    });
    this.jobs.schedule(
      { name: 'shed-stalled-deliveries', run: async () => this.shedWhileHeldBack() },
      { everyMs: SHED_CHECK_INTERVAL_MS, unref: true },
    );
  }

  @EventPattern(DELIVERY_CONSUMER, {
    topics: DELIVERY_TOPICS,
    completion: 'tracked',
    assignment: 'co-partitioned',
    maxWaitTimeInMs: 50,
  } satisfies ConsumerOptions)
  async take(@Payload() records: KafkaRecord[], @Ctx() context: KafkaBatchContext): Promise<void> {
    const tasks: IncomingTask[] = [];
    const unreadable: string[] = [];
    for (const record of records) {
      const decoded = deliveryTaskCodec.decode(record.value);
      if (decoded.ok) {
        const source = { topic: record.topic, partition: record.partition, offset: record.offset };
        tasks.push({
          task: decoded.value,
          source,
          trace: record.trace,
          finished: () => context.complete(record.offset),
        });
      } else {
        unreadable.push(record.offset);
        this.logger.error(
          { topic: record.topic, partition: record.partition, offset: record.offset, error: decoded.error },
          'unreadable delivery task skipped',
        );
      }
    }
    await this.intake.accept(tasks);
    // Only after the intake took the batch: a rejected batch is handed over again, whole.
    for (const offset of unreadable) context.complete(offset);
    this.metrics.lag.set({ topic: context.topic, partition: context.partition }, context.offsetLag);
  }

  /** Deliveries waiting behind slow endpoints give their budget back while intake is held back. */
  private shedWhileHeldBack(): void {
    if (this.transport.isHoldingBack(DELIVERY_CONSUMER)) {
      this.intake.shedStalled(this.settings.config.BACKLOG_SHED_AFTER_MS);
    }
  }
}
