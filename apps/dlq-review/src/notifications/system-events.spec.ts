import type { DeadLetter } from '@smart-dairy/messages';
import { parseInputMessage } from '@smart-dairy/schemas';
import type { EventToPublish } from '@smart-dairy/producer';
import { deadLetteredEvents, endpointFailingEvent, subscriptionDisabledEvent } from './system-events';

const letter = (eventType: string, movedAt = '2026-03-02T06:15:02.120Z'): DeadLetter => ({
  deliveryId: `wh_${'a'.repeat(32)}`,
  subscriptionId: 'wh_sub_partner',
  eventId: 'evt_1',
  eventType,
  priority: 'high',
  occurredAt: '2026-03-02T06:00:00Z',
  data: { order_id: 'ORD-1' },
  reason: 'terminal',
  errorClass: 'http_404',
  finalError: 'HTTP 404',
  history: [
    {
      attempt: 1,
      statusCode: 404,
      errorClass: 'http_404',
      error: 'HTTP 404',
      latencyMs: 8,
      responseBody: 'not here',
      startedAt: '2026-03-02T06:15:02.000Z',
      finishedAt: '2026-03-02T06:15:02.008Z',
    },
  ],
  movedAt,
});

/** What ingestion would make of the event: the check that matters is that it is accepted. */
function accepted(event: EventToPublish) {
  const result = parseInputMessage(
    JSON.stringify({ id: event.id, event: event.type, timestamp: event.timestamp, data: event.data }),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}

describe('system events', () => {
  it.each<[string, () => EventToPublish]>([
    ['system.dead_lettered', () => deadLetteredEvents([letter('order.created')])[0]!],
    [
      'system.subscription_disabled',
      () =>
        subscriptionDisabledEvent(
          { subscriptionId: 'wh_sub_partner', change: 'disabled', at: '2026-03-02T06:20:00.000Z' },
          'endpoint answered 410 Gone',
        ),
    ],
    [
      'system.endpoint_failing',
      () =>
        endpointFailingEvent({
          subscriptionId: 'wh_sub_partner',
          consecutiveFailures: 10,
          threshold: 10,
          lastErrorClass: null,
          at: '2026-03-02T07:00:00.000Z',
        }),
    ],
  ])('%s passes ingestion’s validation', (type, build) => {
    expect(accepted(build()).event).toBe(type);
  });

  it('reports a dead letter with its error and number of attempts', () => {
    expect(deadLetteredEvents([letter('order.created')])[0]!.data).toEqual({
      delivery_id: `wh_${'a'.repeat(32)}`,
      subscription_id: 'wh_sub_partner',
      event_id: 'evt_1',
      event_type: 'order.created',
      error_class: 'http_404',
      final_error: 'HTTP 404',
      attempts: 1,
      moved_at: '2026-03-02T06:15:02.120Z',
    });
  });

  it('counts the attempts a shortened dead letter leaves out', () => {
    const shortened = { ...letter('order.created'), omittedAttempts: 65 };
    expect(deadLetteredEvents([shortened])[0]!.data.attempts).toBe(66);
  });

  it('says nothing about dead letters of system events, which would loop back to the operators', () => {
    const events = deadLetteredEvents([letter('system.dead_lettered'), letter('order.created')]);
    expect(events.map((e) => e.data.event_type)).toEqual(['order.created']);
  });

  it.each<[string, () => string | undefined, () => string | undefined, boolean]>([
    [
      'the same dead letter read twice',
      () => deadLetteredEvents([letter('order.created')])[0]!.id,
      () => deadLetteredEvents([letter('order.created')])[0]!.id,
      true,
    ],
    [
      'a later dead letter of the same delivery (a failed replay)',
      () => deadLetteredEvents([letter('order.created')])[0]!.id,
      () => deadLetteredEvents([letter('order.created', '2026-03-02T08:00:00.000Z')])[0]!.id,
      false,
    ],
    [
      'two thresholds of one run',
      () =>
        endpointFailingEvent({
          subscriptionId: 's',
          consecutiveFailures: 10,
          threshold: 10,
          lastErrorClass: null,
          at: '2026-03-02T07:00:00Z',
        }).id,
      () =>
        endpointFailingEvent({
          subscriptionId: 's',
          consecutiveFailures: 100,
          threshold: 100,
          lastErrorClass: null,
          at: '2026-03-02T07:00:00Z',
        }).id,
      false,
    ],
  ])('gives %s the same id: %s', (_case, first, second, same) => {
    expect(first() === second()).toBe(same);
  });

  it('names the reason a subscription was disabled, or says none was recorded', () => {
    const change = {
      subscriptionId: 'wh_sub_partner',
      change: 'disabled' as const,
      at: '2026-03-02T06:20:00Z',
    };
    expect(subscriptionDisabledEvent(change, null).data.reason).toBe('no reason recorded');
    expect(subscriptionDisabledEvent(change, 'failing for 5 days').data.reason).toBe('failing for 5 days');
  });
});
