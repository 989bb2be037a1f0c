import { computeLedger, formatLedger, type ExpectedPair, type Ledger, type Receipt } from './ledger';

const pair = (eventId: string, subscriptionId: string): ExpectedPair => ({
  eventId,
  subscriptionId,
  deliveryId: `wh_${eventId}_${subscriptionId}`,
});
const A = pair('e1', 's1');
const B = pair('e2', 's1');

const copy = (p: ExpectedPair, overrides: Partial<Receipt> = {}): Receipt => ({
  eventId: p.eventId,
  subscriptionId: p.subscriptionId,
  webhookId: p.deliveryId,
  signatureValid: true,
  accepted: true,
  ...overrides,
});

const ZERO: Ledger = {
  published: 2,
  delivered: 0,
  deadLettered: 0,
  missing: 0,
  duplicates: 0,
  mismatchedIds: 0,
  badSignatures: 0,
  unexpected: 0,
  missingSample: [],
};

describe('computeLedger', () => {
  it.each<[string, Receipt[], { deliveryId: string; reason: string }[], Partial<Ledger>]>([
    ['both delivered once', [copy(A), copy(B)], [], { delivered: 2 }],
    [
      'one delivered, one dead-lettered',
      [copy(A)],
      [{ deliveryId: B.deliveryId, reason: 'exhausted' }],
      {
        delivered: 1,
        deadLettered: 1,
      },
    ],
    ['one missing', [copy(A)], [], { delivered: 1, missing: 1, missingSample: [B] }],
    [
      'a dead letter without a reason does not settle a pair',
      [copy(A)],
      [{ deliveryId: B.deliveryId, reason: '' }],
      {
        delivered: 1,
        missing: 1,
        missingSample: [B],
        unexpected: 1,
      },
    ],
    ['duplicates are counted', [copy(A), copy(A), copy(A), copy(B)], [], { delivered: 2, duplicates: 2 }],
    [
      'refused attempts are neither deliveries nor duplicates',
      [copy(A, { accepted: false }), copy(A), copy(B)],
      [],
      {
        delivered: 2,
      },
    ],
    [
      'only refused attempts leave the pair missing',
      [copy(A, { accepted: false }), copy(B)],
      [],
      {
        delivered: 1,
        missing: 1,
        missingSample: [A],
      },
    ],
    [
      'a duplicate with another X-Webhook-ID is flagged',
      [copy(A), copy(A, { webhookId: 'wh_other' }), copy(B)],
      [],
      {
        delivered: 2,
        duplicates: 1,
        mismatchedIds: 1,
      },
    ],
    [
      'a first copy with the wrong id is flagged',
      [copy(A, { webhookId: 'wh_other' }), copy(B)],
      [],
      {
        delivered: 2,
        mismatchedIds: 1,
      },
    ],
    [
      'a bad signature does not count as received',
      [copy(A, { signatureValid: false }), copy(B)],
      [],
      {
        delivered: 1,
        missing: 1,
        badSignatures: 1,
        missingSample: [A],
      },
    ],
    [
      'receipts and dead letters of no published pair',
      [copy(A), copy(B), copy(pair('e9', 's1'))],
      [{ deliveryId: 'wh_stray', reason: 'terminal' }],
      { delivered: 2, unexpected: 2 },
    ],
    [
      'delivered and then dead-lettered counts on both sides',
      [copy(A), copy(B)],
      [{ deliveryId: A.deliveryId, reason: 'exhausted' }],
      { delivered: 2, deadLettered: 1 },
    ],
  ])('%s', (_name, receipts, deadLetters, expected) => {
    expect(computeLedger([A, B], receipts, deadLetters)).toEqual({ ...ZERO, ...expected });
  });

  it('prints one line', () => {
    expect(formatLedger('s1 run 1', { ...ZERO, delivered: 2 })).toBe(
      'ledger s1 run 1: published=2 delivered=2 dead-lettered=0 missing=0 duplicates=0 mismatched-ids=0 ' +
        'bad-signatures=0 unexpected=0',
    );
  });
});
