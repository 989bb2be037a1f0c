import { Injectable } from '@nestjs/common';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks, type DeliveryTask } from '@smart-dairy/messages';
import type { ReplayRow } from '../entries/entry-store';

/**
 * A replay names the delivery, marked `replay`: the dispatcher sends what Postgres holds for it, whatever
 * its status, under the same delivery id (so the same `X-Webhook-ID`), with a fresh retry budget, as long
 * as the request `EntryStore.startReplay` recorded is there.
 */
export function replayTaskOf(row: ReplayRow): DeliveryTask {
  return {
    deliveryId: row.deliveryId,
    subscriptionId: row.subscriptionId,
    priority: row.priority,
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
