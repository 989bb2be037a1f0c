import { z } from 'zod';
import { identifier, isoTimestamp } from './event-fields';

/*
 * Operational events the platform publishes about itself on `events.system`, so operators subscribe an
 * endpoint to `system.*` like to any other event. Ids are the platform's own (`wh_...`, `wh_sub_...`).
 */

export const systemDeadLetteredSchema = z.looseObject({
  delivery_id: identifier,
  subscription_id: identifier,
  event_id: identifier,
  event_type: identifier,
  error_class: identifier,
  final_error: z.string().min(1),
  attempts: z.number().int().nonnegative(),
  moved_at: isoTimestamp,
});
export type SystemDeadLetteredData = z.infer<typeof systemDeadLetteredSchema>;

export const systemDeadLetteredSample: SystemDeadLetteredData = {
  delivery_id: 'wh_5f0c8e2a9b7d4c1e8f3a6b2d9c0e7f14',
  subscription_id: 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e',
  event_id: 'evt_9a4c2e7b1d5f3a8c6e0b4d2f7a9c1e53',
  event_type: 'order.created',
  error_class: 'http_404',
  final_error: 'HTTP 404 Not Found',
  attempts: 1,
  moved_at: '2026-03-02T06:15:02Z',
};

export const systemSubscriptionDisabledSchema = z.looseObject({
  subscription_id: identifier,
  reason: z.string().min(1),
  disabled_at: isoTimestamp,
});
export type SystemSubscriptionDisabledData = z.infer<typeof systemSubscriptionDisabledSchema>;

export const systemSubscriptionDisabledSample: SystemSubscriptionDisabledData = {
  subscription_id: 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e',
  reason: 'endpoint answered 410 Gone',
  disabled_at: '2026-03-02T06:20:00Z',
};

export const systemEndpointFailingSchema = z.looseObject({
  subscription_id: identifier,
  consecutive_failures: z.number().int().positive(),
  threshold: z.number().int().positive(),
  /** Null when the failed attempt could not be classified. */
  last_error_class: identifier.nullable(),
  at: isoTimestamp,
});
export type SystemEndpointFailingData = z.infer<typeof systemEndpointFailingSchema>;

export const systemEndpointFailingSample: SystemEndpointFailingData = {
  subscription_id: 'wh_sub_3b9e1c7a5d2f8e4c6a0b9d1e',
  consecutive_failures: 100,
  threshold: 100,
  last_error_class: 'http_503',
  at: '2026-03-02T07:00:00Z',
};
