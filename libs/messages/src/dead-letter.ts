import { z } from 'zod';
import { jsonCodec } from './codec';

export const attemptRecordSchema = z.object({
  attempt: z.number().int().positive(),
  statusCode: z.number().int().nullable(),
  errorClass: z.string().nullable(),
  error: z.string().nullable(),
  latencyMs: z.number().int().nonnegative(),
  responseBody: z.string().nullable(),
  /** True when `responseBody` is only the start of what delivery_attempts keeps (see bounded-dead-letter.ts). */
  responseBodyTruncated: z.boolean().optional(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
});

export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

/**
 * Published on `deliveries.dead-letter` (keyed by subscription id) when a delivery ends without
 * success: a terminal answer, or its retry budget spent. It carries everything needed to review
 * and replay it: the event and its latest attempts, within the bounds of bounded-dead-letter.ts. The
 * whole history stays in Postgres (`delivery_attempts`).
 */
export const deadLetterSchema = z.object({
  deliveryId: z.string().regex(/^wh_[0-9a-f]{32}$/),
  subscriptionId: z.string().min(1),
  eventId: z.string().min(1),
  eventType: z.string().min(1),
  priority: z.enum(['high', 'medium', 'low']),
  occurredAt: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  reason: z.enum(['terminal', 'exhausted']),
  errorClass: z.string().min(1),
  finalError: z.string().min(1),
  /** The latest attempts, oldest first. */
  history: z.array(attemptRecordSchema),
  /** How many earlier attempts `history` leaves out; absent when it has them all. */
  omittedAttempts: z.number().int().positive().optional(),
  /**
   * Set when the subscription delivers in order per key: the delivery's key, whose later events the dead
   * letter released, so they went ahead of it (docs/protocol.md#ordered-delivery).
   */
  orderingKey: z.string().min(1).optional(),
  movedAt: z.iso.datetime(),
});

export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** Every attempt the delivery made, those the letter leaves out included. */
export function attemptsMade(letter: DeadLetter): number {
  return letter.history.length + (letter.omittedAttempts ?? 0);
}

export const deadLetterCodec = jsonCodec(deadLetterSchema);
