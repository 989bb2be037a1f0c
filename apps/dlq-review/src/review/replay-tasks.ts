import { Injectable } from '@nestjs/common';
import { PrismaService } from '@smart-dairy/db';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishResends, type ReplayRow } from '@smart-dairy/replay';

@Injectable()
export class ReplayTasks {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly prisma: PrismaService,
  ) {}

  /**
   * One produce request for all, keyed by subscription id like every delivery task; while tracing is on,
   * each replay starts a new trace linked to its delivery's (`publishResends`).
   */
  async send(rows: readonly ReplayRow[]): Promise<void> {
    await publishResends(this.prisma, this.kafka, 'dlq_replay', rows);
  }
}
