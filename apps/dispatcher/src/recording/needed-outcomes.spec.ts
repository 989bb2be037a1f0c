import type { AttemptData, AttemptWrite, NextState } from '../deliveries/attempt-write';
import { neededOutcomes } from './needed-outcomes';

let sequence = 0;

function write(
  subscriptionId: string,
  next: NextState,
  { attempt = 1, replay = false, sent = true }: { attempt?: number; replay?: boolean; sent?: boolean } = {},
): AttemptWrite {
  sequence += 1;
  const data: AttemptData = {
    number: attempt,
    statusCode: next.status === 'delivered' ? 200 : 500,
    latencyMs: 5,
    errorClass: next.status === 'delivered' ? null : 'http_500',
    error: null,
    responseBody: null,
    startedAt: new Date(),
    finishedAt: new Date(),
  };
  return {
    delivery: {
      deliveryId: `wh_${sequence.toString(16).padStart(32, '0')}`,
      subscriptionId,
      priority: 'high',
      event: {
        eventId: `evt_${sequence}`,
        eventType: 'order.created',
        timestamp: '2026-03-02T07:15:00Z',
        dataJson: '{}',
      },
      orderingKey: null,
    },
    replayRequestedAt: replay ? new Date() : null,
    attemptCount: sent ? attempt : attempt - 1,
    budgetBase: 0,
    attempt: sent ? data : null,
    next,
  };
}

const delivered: NextState = { status: 'delivered' };
const retrying: NextState = { status: 'retrying', nextAttemptAt: new Date() };
const deadLettered: NextState = { status: 'dead_lettered', reason: 'terminal' };
const parked: NextState = { status: 'parked', nextAttemptAt: new Date(), why: 'breaker_open' };

describe('neededOutcomes', () => {
  it.each<[string, AttemptWrite, ReadonlySet<string>, boolean]>([
    ['a first-attempt success of a healthy endpoint', write('s', delivered), new Set(), false],
    ['a failed attempt to retry', write('s', retrying), new Set(), true],
    ['a failed attempt that dead-letters', write('s', deadLettered), new Set(), true],
    [
      'a success after earlier failures of the delivery',
      write('s', delivered, { attempt: 3 }),
      new Set(),
      true,
    ],
    ['a success answering a replay request', write('s', delivered, { replay: true }), new Set(), true],
    ['a success ending the subscription’s failure run', write('s', delivered), new Set(['s']), true],
    ['a success while another subscription’s run ends', write('s', delivered), new Set(['other']), false],
    ['a parking', write('s', parked, { sent: false }), new Set(['s']), false],
    [
      'a dead letter without an attempt (subscription deleted)',
      write(
        's',
        { status: 'dead_lettered', reason: 'terminal', why: 'subscription_deleted' },
        { sent: false },
      ),
      new Set(),
      false,
    ],
  ])('%s', (_name, given, endedRuns, published) => {
    expect(neededOutcomes([given], endedRuns)).toEqual(published ? [given] : []);
  });

  it('publishes a success that follows a failure of its subscription in the same batch, in order', () => {
    const failure = write('s', retrying);
    const success = write('s', delivered);
    const elsewhere = write('healthy', delivered);
    expect(neededOutcomes([failure, elsewhere, success], new Set())).toEqual([failure, success]);
  });
});
