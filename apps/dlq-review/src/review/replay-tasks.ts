import { Injectable } from '@nestjs/common';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks } from '@smart-dairy/messages';
import { replayTaskOf, type ReplayRow } from '@smart-dairy/replay';

@Injectable()
export class ReplayTasks {
  constructor(private readonly kafka: KafkaClient) {}

  /** One produce request for all, keyed by subscription id like every delivery task. */
  async send(rows: readonly ReplayRow[]): Promise<void> {
    await publishDeliveryTasks(this.kafka, rows.map(replayTaskOf));
  }
}
