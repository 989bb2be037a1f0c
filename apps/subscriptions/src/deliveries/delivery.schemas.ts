import { DeliveryStatus } from '@smart-dairy/db';
import { z } from 'zod';
import { eventType, timestamp } from '../http/fields';
import { pageOf, pageQuery } from '../http/pagination';

export const DELIVERY_ID = /^wh_[0-9a-f]{32}$/;
export const RESPONSE_SNIPPET_LENGTH = 1024;

const status = z
  .enum([
    DeliveryStatus.pending,
    DeliveryStatus.delivered,
    DeliveryStatus.retrying,
    DeliveryStatus.dead_lettered,
    DeliveryStatus.waiting,
    DeliveryStatus.discarded,
  ])
  .describe(
    '`waiting`: made while the subscription was disabled, sent once it is enabled; `discarded`: such a ' +
      'delivery never sent (backlog discarded, or subscription deleted)',
  );

export const ListDeliveriesQuery = z.strictObject({
  status: status.optional(),
  event_type: eventType.optional(),
  since: timestamp.optional().describe('Deliveries created at or after'),
  until: timestamp.optional().describe('Deliveries created before'),
  ...pageQuery,
});
export type ListDeliveriesInput = z.output<typeof ListDeliveriesQuery>;

export const DeliveryView = z.object({
  id: z.string().regex(DELIVERY_ID).describe('Sent as X-Webhook-ID, the same on every attempt'),
  subscription_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  priority: z.enum(['high', 'medium', 'low']),
  status,
  attempt_count: z.number().int(),
  next_attempt_at: timestamp.nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  delivered_at: timestamp.nullable(),
  ordering_key: z
    .string()
    .nullable()
    .describe("The event's key when the subscription delivers in order per key (`ordering: per_key`)")
    .meta({ examples: ['ORD-2024-001'] }),
  waiting_for: z
    .string()
    .regex(DELIVERY_ID)
    .nullable()
    .describe(
      'Set while the delivery waits for an earlier delivery of its key: the id of that one, which must be ' +
        'delivered or dead-lettered first. null when it does not wait',
    )
    .meta({ examples: ['wh_5f2b8c0e9d3a4b6c8e1f2a3b4c5d6e7f'] }),
});
export type DeliveryView = z.output<typeof DeliveryView>;

export const AttemptView = z.object({
  attempt: z.number().int(),
  status_code: z.number().int().nullable().describe("The endpoint's HTTP status; null when none came"),
  latency_ms: z.number().int(),
  error_class: z.string().nullable(),
  error: z.string().nullable(),
  response_snippet: z
    .string()
    .nullable()
    .describe(`The first ${RESPONSE_SNIPPET_LENGTH} characters of the response body`),
  started_at: timestamp,
  finished_at: timestamp,
});
export type AttemptView = z.output<typeof AttemptView>;

export const DeliveryDetailView = DeliveryView.extend({ attempts: z.array(AttemptView) });
export type DeliveryDetailView = z.output<typeof DeliveryDetailView>;

export const DeliveryPage = pageOf(DeliveryView);
