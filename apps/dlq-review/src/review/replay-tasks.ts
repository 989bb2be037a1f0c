import { Injectable } from '@nestjs/common';
import { KafkaClient } from '@smart-dairy/kafka';
import {
  publishDeliveryTasks,
  startDeliveryTaskSpan,
  type DeliveryTask,
  type TracedTask,
} from '@smart-dairy/messages';
import { endAfter, traceHeadersOf } from '@smart-dairy/tracing';
import { EntryStore, type ReplayRow } from '../entries/entry-store';

/**
 * A replay names the delivery, marked `replay`: the dispatcher sends what Postgres holds for it, whatever
 * its status, under the same delivery id (so the same `X-Webhook-ID`), with a fresh retry budget, as long
 * as the request `EntryStore.startReplay` recorded is there.
 */
export function replayTaskOf(
  row: Pick<ReplayRow, 'deliveryId' | 'subscriptionId' | 'priority'>,
): DeliveryTask {
  return {
    deliveryId: row.deliveryId,
    subscriptionId: row.subscriptionId,
    priority: row.priority,
    replay: true,
  };
}

@Injectable()
export class ReplayTasks {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly store: EntryStore,
  ) {}

  /**
   * One produce request for all, keyed by subscription id like every delivery task. While tracing is on,
   * each replay starts a new trace linked to the one its delivery was sent in, and the delivery keeps it.
   */
  async send(rows: readonly ReplayRow[]): Promise<void> {
    const spans = rows.map((row) =>
      startDeliveryTaskSpan(replayTaskOf(row), { resend: 'dlq_replay', original: row.originalTrace }),
    );
    const tasks: TracedTask[] = rows.map((row, index) => {
      const span = spans[index];
      return span ? { ...replayTaskOf(row), trace: traceHeadersOf(span) } : replayTaskOf(row);
    });
    await endAfter(spans, 'replay_failed', this.publish(tasks));
  }

  private async publish(tasks: readonly TracedTask[]): Promise<void> {
    await this.store.keepTraces(
      tasks.flatMap(({ deliveryId, trace }) => (trace ? [{ deliveryId, trace }] : [])),
    );
    await publishDeliveryTasks(this.kafka, tasks);
  }
}
