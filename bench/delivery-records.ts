import pg from 'pg';

export interface PersistedCounts {
  /** Deliveries of the scenario's events (probes left out). */
  deliveries: number;
  delivered: number;
  /** Delivered and with a 2xx attempt row: the dispatcher's record of what the receiver saw. */
  withSuccessfulAttempt: number;
}

export interface AttemptLatency {
  attempts: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const NOT_A_PROBE = `e.data->>'order_id' NOT LIKE 'probe-%'`;

/** What the platform wrote to Postgres about a scenario's deliveries, read with plain SQL. */
export class DeliveryRecords {
  private readonly client: pg.Client;

  constructor(databaseUrl: string) {
    this.client = new pg.Client({ connectionString: databaseUrl });
  }

  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }

  async persisted(subscriptionIds: readonly string[]): Promise<PersistedCounts> {
    const { rows } = await this.client.query<PersistedCounts>(
      `SELECT count(*)::int AS "deliveries",
              count(*) FILTER (WHERE d.status = 'delivered')::int AS "delivered",
              count(*) FILTER (WHERE d.status = 'delivered' AND EXISTS (
                SELECT 1 FROM delivery_attempts a
                WHERE a.delivery_id = d.id AND a.status_code BETWEEN 200 AND 299))::int AS "withSuccessfulAttempt"
       FROM deliveries d JOIN events e ON e.category = d.event_category AND e.id = d.event_id
       WHERE d.subscription_id = ANY($1) AND ${NOT_A_PROBE}`,
      [subscriptionIds],
    );
    return rows[0] as PersistedCounts;
  }

  /** The dispatcher's own measure of each successful request: from sending to the answer. */
  async attemptLatency(subscriptionIds: readonly string[]): Promise<AttemptLatency> {
    const { rows } = await this.client.query<{ attempts: number; p: number[]; max: number }>(
      `SELECT count(*)::int AS "attempts",
              percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY a.latency_ms) AS "p",
              max(a.latency_ms) AS "max"
       FROM delivery_attempts a
       JOIN deliveries d ON d.id = a.delivery_id
       JOIN events e ON e.category = d.event_category AND e.id = d.event_id
       WHERE d.subscription_id = ANY($1) AND a.status_code BETWEEN 200 AND 299 AND ${NOT_A_PROBE}`,
      [subscriptionIds],
    );
    const row = rows[0];
    const [p50 = Number.NaN, p95 = Number.NaN, p99 = Number.NaN] = row?.p ?? [];
    return { attempts: row?.attempts ?? 0, p50, p95, p99, max: row?.max ?? Number.NaN };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
