/** One (event, matching subscription) pair the pipeline owes, with the delivery id it must carry. */
export interface ExpectedPair {
  eventId: string;
  subscriptionId: string;
  deliveryId: string;
}

/** One request an endpoint received, identified by what the signed body says, not by its headers. */
export interface Receipt {
  eventId: string;
  subscriptionId: string;
  /** The `X-Webhook-ID` header. */
  webhookId: string;
  signatureValid: boolean;
  /** The endpoint answered 2xx: the delivery is done from the partner's point of view. */
  accepted: boolean;
}

export interface DeadLetterRecord {
  deliveryId: string;
  reason: string;
}

export interface Ledger {
  published: number;
  delivered: number;
  deadLettered: number;
  missing: number;
  /** Accepted copies of a pair beyond its first. */
  duplicates: number;
  /** Receipts whose X-Webhook-ID differs from the pair's first copy or from its delivery id. */
  mismatchedIds: number;
  badSignatures: number;
  /** Receipts or dead letters of no published pair. */
  unexpected: number;
  /** A few missing pairs, for the failure message. */
  missingSample: ExpectedPair[];
}

const pairKey = (eventId: string, subscriptionId: string) => `${eventId}\n${subscriptionId}`;
const MISSING_SAMPLE = 5;

/**
 * The chaos suite's invariant: every published pair ends received with a valid signature or dead-lettered
 * with a reason. Duplicates are allowed but counted, and must repeat the first copy's X-Webhook-ID.
 */
export function computeLedger(
  expected: readonly ExpectedPair[],
  receipts: readonly Receipt[],
  deadLetters: readonly DeadLetterRecord[],
): Ledger {
  const pairs = new Map(expected.map((p) => [pairKey(p.eventId, p.subscriptionId), p]));
  const byDeliveryId = new Map(expected.map((p) => [p.deliveryId, p]));
  const firstId = new Map<string, string>();
  const accepted = new Map<string, number>();
  let mismatchedIds = 0;
  let badSignatures = 0;
  let unexpected = 0;
  for (const r of receipts) {
    const key = pairKey(r.eventId, r.subscriptionId);
    const pair = pairs.get(key);
    if (!pair) {
      unexpected++;
      continue;
    }
    if (!r.signatureValid) {
      badSignatures++;
      continue;
    }
    const first = firstId.get(key) ?? r.webhookId;
    firstId.set(key, first);
    if (r.webhookId !== first || r.webhookId !== pair.deliveryId) mismatchedIds++;
    if (r.accepted) accepted.set(key, (accepted.get(key) ?? 0) + 1);
  }
  const dead = new Set<string>();
  for (const d of deadLetters) {
    if (byDeliveryId.has(d.deliveryId) && d.reason) dead.add(d.deliveryId);
    else unexpected++;
  }
  let delivered = 0;
  let duplicates = 0;
  const missing: ExpectedPair[] = [];
  for (const [key, pair] of pairs) {
    const copies = accepted.get(key) ?? 0;
    if (copies > 0) delivered++;
    duplicates += Math.max(0, copies - 1);
    if (copies === 0 && !dead.has(pair.deliveryId)) missing.push(pair);
  }
  return {
    published: pairs.size,
    delivered,
    deadLettered: dead.size,
    missing: missing.length,
    duplicates,
    mismatchedIds,
    badSignatures,
    unexpected,
    missingSample: missing.slice(0, MISSING_SAMPLE),
  };
}

/** The one line a scenario prints. */
export function formatLedger(scenario: string, ledger: Ledger): string {
  const { published, delivered, deadLettered, missing, duplicates, mismatchedIds, badSignatures } = ledger;
  return (
    `ledger ${scenario}: published=${published} delivered=${delivered} dead-lettered=${deadLettered} ` +
    `missing=${missing} duplicates=${duplicates} mismatched-ids=${mismatchedIds} bad-signatures=${badSignatures} ` +
    `unexpected=${ledger.unexpected}`
  );
}
