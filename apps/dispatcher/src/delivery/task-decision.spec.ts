import { DeliveryStatus } from '@smart-dairy/db';
import type { DeliveryTask } from '@smart-dairy/messages';
import type { DeliveryRow } from '../deliveries/deliveries.repository';
import { decideTask, type TaskDecision } from './task-decision';

const requestedAt = new Date('2026-03-02T07:20:00.000Z');

const stored = {
  deliveryId: `wh_${'a'.repeat(32)}`,
  subscriptionId: 'wh_sub_owner',
  priority: 'high' as const,
  event: {
    eventId: 'evt_1',
    eventType: 'order.created' as const,
    timestamp: '2026-03-02T07:15:00Z',
    dataJson: '{"order_id":"ORD-1"}',
  },
  orderingKey: null,
};

const row = (overrides: Partial<DeliveryRow> = {}): DeliveryRow => ({
  ...stored,
  status: DeliveryStatus.pending,
  attemptCount: 4,
  retryBudgetBase: 2,
  replayRequestedAt: null,
  precededBy: null,
  ...overrides,
});

const task = (overrides: Partial<DeliveryTask> = {}): DeliveryTask => ({
  deliveryId: stored.deliveryId,
  subscriptionId: stored.subscriptionId,
  priority: 'high',
  ...overrides,
});

const sendWithin = (budgetBase: number): TaskDecision => ({
  kind: 'send',
  delivery: stored,
  state: { attemptCount: 4, budgetBase, replayRequestedAt: null },
});
const sendAsReplay: TaskDecision = {
  kind: 'send',
  delivery: stored,
  state: { attemptCount: 4, budgetBase: 4, replayRequestedAt: requestedAt },
};
const { pending, retrying, delivered, dead_lettered, waiting, discarded } = DeliveryStatus;

describe('decideTask', () => {
  it.each<[string, DeliveryTask, DeliveryRow | undefined, TaskDecision]>([
    ['a pending delivery', task(), row(), sendWithin(2)],
    ['a retrying delivery', task(), row({ status: retrying }), sendWithin(2)],
    ['a delivered one, read again', task(), row({ status: delivered }), { kind: 'skip' }],
    ['a dead-lettered one, read again', task(), row({ status: dead_lettered }), { kind: 'skip' }],
    ['one waiting for its subscription to be enabled', task(), row({ status: waiting }), { kind: 'skip' }],
    ['a discarded one', task(), row({ status: discarded }), { kind: 'skip' }],
    ['an unknown delivery', task(), undefined, { kind: 'reject', reason: 'unknown_delivery' }],
    [
      'a delivery of another subscription',
      task({ subscriptionId: 'wh_sub_intruder' }),
      row(),
      { kind: 'reject', reason: 'subscription_mismatch' },
    ],
    [
      'a replay of another subscription’s requested delivery',
      task({ subscriptionId: 'wh_sub_intruder', replay: true }),
      row({ status: delivered, replayRequestedAt: requestedAt }),
      { kind: 'reject', reason: 'subscription_mismatch' },
    ],
    [
      'a requested replay of a dead letter',
      task({ replay: true }),
      row({ status: dead_lettered, replayRequestedAt: requestedAt }),
      sendAsReplay,
    ],
    [
      'a requested retry of a delivered delivery',
      task({ replay: true }),
      row({ status: delivered, replayRequestedAt: requestedAt }),
      sendAsReplay,
    ],
    [
      'an ordinary task reaching a requested replay first',
      task(),
      row({ status: pending, replayRequestedAt: requestedAt }),
      sendAsReplay,
    ],
    [
      'a replay nobody asked for',
      task({ replay: true }),
      row({ status: delivered }),
      { kind: 'reject', reason: 'replay_not_requested' },
    ],
    [
      'a replay already answered, of a delivery still retrying',
      task({ replay: true }),
      row({ status: retrying }),
      { kind: 'reject', reason: 'replay_not_requested' },
    ],
  ])('%s', (_name, given, stored, expected) => {
    expect(decideTask(given, stored)).toEqual(expected);
  });
});
