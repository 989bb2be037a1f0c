import { Injectable } from '@nestjs/common';
import { PrismaService, type DeliveryStatus } from '@smart-dairy/db';

/** What deciding whether to send a delivery task needs from its row. */
export interface DeliveryRow {
  id: string;
  status: DeliveryStatus;
  attemptCount: number;
  retryBudgetBase: number;
}

/** The dispatcher's SQL on the `deliveries` table. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async rows(ids: readonly string[]): Promise<Map<string, DeliveryRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<DeliveryRow[]>`
      SELECT "id", "status", "attempt_count" AS "attemptCount", "retry_budget_base" AS "retryBudgetBase"
      FROM "deliveries" WHERE "id" = ANY(${ids}::text[])`;
    return new Map(rows.map((row) => [row.id, row]));
  }
}
