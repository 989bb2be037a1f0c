import type { EventPublisher, EventToPublish } from '@smart-dairy/producer';
import { EVENT_CATALOG, type EventType } from '@smart-dairy/schemas';
import { nth, sleep } from './util';

/** The data field that carries the event id into the delivered envelope, where the ledger reads it. */
export const EVENT_ID_FIELD = 'chaos_event_id';

export interface LoadPlan {
  /** Event ids are `<runId>-<n>`. */
  runId: string;
  ratePerSecond: number;
  durationMs: number;
  /** Cycled through in order, so every category topic gets its share. */
  types: readonly EventType[];
  /**
   * Events keyed `<runId>-key-<n mod keys>` instead of by their ids, each key going through the types in
   * turn; one key per event when omitted.
   */
  keys?: number;
  /** Called with each batch once Kafka acknowledged it, in publish order. */
  onPublished: (events: readonly { id: string; type: EventType; key?: string }[]) => void;
}

export interface LoadResult {
  /** Batches the broker refused at least once (an outage), each retried until acknowledged. */
  failedSends: number;
}

const TICK_MS = 50;
const MAX_BATCH = 500;
// Past the planned duration, an outage may still hold back the tail; after this much more the load stops.
const OVERRUN_MS = 60_000;

/** An event of the plan: catalog sample data with the id as marker, keyed by its id to spread partitions. */
export function chaosEvent(id: string, type: EventType, key = id): EventToPublish {
  const data = { ...EVENT_CATALOG[type].sample, [EVENT_ID_FIELD]: id };
  return { type, data, id, key } as EventToPublish;
}

/** The key of the `n`-th event of a plan with `keys` keys (see LoadPlan.keys). */
export function loadKey(runId: string, n: number, keys: number): string {
  return `${runId}-key-${n % keys}`;
}

/**
 * Publishes `ratePerSecond` events for `durationMs`, then stops by itself. It keeps to the schedule:
 * after a stall (a broker outage) it catches up in batches, so the count is always rate x duration unless
 * the overrun deadline passes first. A refused batch is sent again with the same ids, which ingestion
 * deduplicates, so an event that was stored after all is not owed twice.
 */
export async function runLoad(publisher: EventPublisher, plan: LoadPlan): Promise<LoadResult> {
  const total = Math.round((plan.ratePerSecond * plan.durationMs) / 1000);
  const started = Date.now();
  const stopAt = started + plan.durationMs + OVERRUN_MS;
  let published = 0;
  let failedSends = 0;
  while (published < total && Date.now() < stopAt) {
    const due = Math.min(total, Math.floor(((Date.now() - started) * plan.ratePerSecond) / 1000));
    if (due <= published) {
      await sleep(TICK_MS);
      continue;
    }
    const batch = Array.from({ length: Math.min(MAX_BATCH, due - published) }, (_, i) => {
      const n = published + i;
      const { keys } = plan;
      return keys
        ? {
            id: `${plan.runId}-${n}`,
            type: nth(plan.types, Math.floor(n / keys)),
            key: loadKey(plan.runId, n, keys),
          }
        : { id: `${plan.runId}-${n}`, type: nth(plan.types, n) };
    });
    try {
      await publisher.publishMany(batch.map((e) => chaosEvent(e.id, e.type, e.key)));
    } catch {
      failedSends++;
      await sleep(TICK_MS * 10);
      continue;
    }
    published += batch.length;
    plan.onPublished(batch);
  }
  return { failedSends };
}
