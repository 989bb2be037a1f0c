import pg from 'pg';
import { performance } from 'node:perf_hooks';

/** Each seeded event has a delivery to each of this many seeded subscriptions. */
const SUBSCRIPTIONS = 10;
/** Older than every retention period's default but the audit log's: all of it is due. */
const AGE = `interval '30 days'`;
const PADDING_BYTES = 1_000;
const DELIVERED_RETENTION_TABLE = 'deliveries';

/**
 * Rows for the retention sweeps to delete while a scenario runs, written straight into Postgres as if the
 * platform had delivered them a month ago: per ten deliveries (each with its 2xx attempt) one 1 KiB
 * `order.created` event, to ten disabled subscriptions that no event matches. The dispatcher deletes the
 * deliveries (the attempts cascade), then ingestion the events.
 */
export class PurgeLoad {
  private readonly client: pg.Client;
  private readonly tag: string;
  private batches = 0;

  constructor(databaseUrl: string, tag: string) {
    this.client = new pg.Client({ connectionString: databaseUrl });
    this.tag = tag;
  }

  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }

  /** Adds about `rows` due deliveries (a multiple of ten); returns how many, and how long writing them took. */
  async seed(rows: number): Promise<{ rows: number; ms: number }> {
    const started = performance.now();
    const events = Math.ceil(rows / SUBSCRIPTIONS);
    const batch = `purge_${this.tag}_${(this.batches += 1)}`;
    const subscriptions = Array.from({ length: SUBSCRIPTIONS }, (_, i) => `wh_sub_${batch}_${i}`);
    await this.client.query('BEGIN');
    try {
      await this.client.query(
        `INSERT INTO subscriptions (id, url, events, status, secret_ciphertext, updated_at, disabled_at)
         SELECT id, 'http://127.0.0.1:9/purge', '{}', 'disabled', 'unused', now(), now() FROM unnest($1::text[]) AS id`,
        [subscriptions],
      );
      await this.client.query(
        `INSERT INTO events (category, id, type, occurred_at, occurred_at_text, data, data_json, source_topic,
           source_partition, source_offset, received_at)
         SELECT 'order', $1 || '-' || g, 'order.created', o.at, o.at::text, d.data, d.data::text, 'bench', 0, g::text, o.at
         FROM generate_series(1, $2::int) AS g,
           LATERAL (SELECT jsonb_build_object('order_id', $1 || '-' || g, 'notes', repeat('n', $3::int)) AS data) AS d,
           (SELECT (now() AT TIME ZONE 'UTC') - ${AGE} AS at) AS o`,
        [batch, events, PADDING_BYTES],
      );
      await this.client.query(
        `INSERT INTO deliveries (id, event_category, event_id, subscription_id, event_type, priority, status,
           attempt_count, created_at, updated_at, delivered_at)
         SELECT 'wh_' || md5($1 || '-' || g || s.id), 'order', $1 || '-' || g, s.id, 'order.created', 'low',
           'delivered', 1, o.at, o.at, o.at
         FROM generate_series(1, $2::int) AS g, unnest($3::text[]) AS s(id),
           (SELECT (now() AT TIME ZONE 'UTC') - ${AGE} AS at) AS o`,
        [batch, events, subscriptions],
      );
      await this.client.query(
        `INSERT INTO delivery_attempts (delivery_id, attempt, status_code, latency_ms, started_at, finished_at)
         SELECT id, 1, 200, 5, created_at, created_at FROM deliveries WHERE subscription_id = ANY($1::text[])`,
        [subscriptions],
      );
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK');
      throw error;
    }
    // Rows a month old have long been vacuumed, analysed and written out: without this, the purging run would
    // also measure the aftermath of writing a million rows (autovacuum, a checkpoint), not the purge alone.
    await this.client.query('VACUUM (ANALYZE) events, deliveries, delivery_attempts');
    await this.client.query('CHECKPOINT');
    return { rows: events * SUBSCRIPTIONS, ms: Math.round(performance.now() - started) };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** Deliveries the dispatcher's retention deleted so far, from its /metrics (the series has other labels too). */
export async function purgedDeliveries(dispatcherMetricsUrl: string): Promise<number> {
  const text = await (await fetch(dispatcherMetricsUrl)).text();
  const series = new RegExp(
    `^retention_deleted_rows_total\\{[^}]*\\btable="${DELIVERED_RETENTION_TABLE}"[^}]*\\} (\\S+)$`,
    'm',
  );
  const value = series.exec(text)?.[1];
  if (value === undefined)
    throw new Error('the dispatcher exports no retention_deleted_rows_total for deliveries');
  return Number(value);
}
