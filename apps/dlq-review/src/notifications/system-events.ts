import { attemptsMade, type DeadLetter, type SubscriptionChange } from '@smart-dairy/messages';
import type { EventToPublish } from '@smart-dairy/producer';
import { isSystemEventType } from '@smart-dairy/schemas';
import { createHash } from 'node:crypto';
import type { Crossing } from './failure-streaks';

/**
 * Ids derive from what the event reports, so the same fact published again (a batch read twice after a
 * crash) has the same id and ingestion keeps it once.
 */
function systemEventId(type: string, ...facts: string[]): string {
  return `evt_sys_${createHash('sha256')
    .update([type, ...facts].join('\n'))
    .digest('hex')
    .slice(0, 32)}`;
}

/**
 * One `system.dead_lettered` per dead letter, except for deliveries of system events themselves: an
 * operator endpoint that fails would otherwise be told about its own failure, again and again.
 */
export function deadLetteredEvents(letters: readonly DeadLetter[]): EventToPublish<'system.dead_lettered'>[] {
  return letters
    .filter((letter) => !isSystemEventType(letter.eventType))
    .map((letter) => ({
      type: 'system.dead_lettered',
      id: systemEventId('system.dead_lettered', letter.deliveryId, letter.movedAt),
      timestamp: letter.movedAt,
      data: {
        delivery_id: letter.deliveryId,
        subscription_id: letter.subscriptionId,
        event_id: letter.eventId,
        event_type: letter.eventType,
        error_class: letter.errorClass,
        final_error: letter.finalError,
        attempts: attemptsMade(letter),
        moved_at: letter.movedAt,
      },
    }));
}

export function subscriptionDisabledEvent(
  change: SubscriptionChange,
  reason: string | null,
): EventToPublish<'system.subscription_disabled'> {
  return {
    type: 'system.subscription_disabled',
    id: systemEventId('system.subscription_disabled', change.subscriptionId, change.at),
    timestamp: change.at,
    data: {
      subscription_id: change.subscriptionId,
      reason: reason ?? 'no reason recorded',
      disabled_at: change.at,
    },
  };
}

export function endpointFailingEvent(crossing: Crossing): EventToPublish<'system.endpoint_failing'> {
  return {
    type: 'system.endpoint_failing',
    id: systemEventId(
      'system.endpoint_failing',
      crossing.subscriptionId,
      String(crossing.threshold),
      crossing.at,
    ),
    timestamp: crossing.at,
    data: {
      subscription_id: crossing.subscriptionId,
      consecutive_failures: crossing.consecutiveFailures,
      threshold: crossing.threshold,
      last_error_class: crossing.lastErrorClass,
      at: crossing.at,
    },
  };
}
