import { Injectable } from '@nestjs/common';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks, type DeliveryTask } from '@smart-dairy/messages';
import type { ReplayRow } from '../entries/entry-store';
import { storedPayloadSchema } from '../entries/entry-view';

/**
 * A replay is the delivery's own task again, marked `replay`: the dispatcher sends it whatever the
 * delivery's status, under the same delivery id (so the same `X-Webhook-ID`), with a fresh retry budget.
 */
export function replayTaskOf(row: ReplayRow): DeliveryTask {
  const payload = storedPayloadSchema.parse(row.payload);
  return {
    deliveryId: row.deliveryId,
    eventId: row.eventId,
    eventType: row.eventType,
    subscriptionId: row.subscriptionId,
    priority: row.priority,
    occurredAt: payload.timestamp,
    data: payload.data,
    replay: true,
  };
}

@Injectable()
export class ReplayTasks {
  constructor(private readonly kafka: KafkaClient) {}

  /** One produce request for all, keyed by subscription id like every delivery task. */
  async send(rows: readonly ReplayRow[]): Promise<void> {
    await publishDeliveryTasks(this.kafka, rows.map(replayTaskOf));
  }
}
