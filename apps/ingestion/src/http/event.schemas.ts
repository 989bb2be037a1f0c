import { BUSINESS_EVENT_TYPES, inputMessageSchema } from '@smart-dairy/schemas';
import { z } from 'zod';

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const PublishHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(MAX_IDEMPOTENCY_KEY_LENGTH)
    .optional()
    .describe('Repeating a request with the same key returns the first answer instead of publishing again'),
});

export const IDEMPOTENCY_KEY_PROBLEM = `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`;

/** What producers may publish here: any business event; system.* events are the platform's own. */
export const PublishBody = inputMessageSchema(BUSINESS_EVENT_TYPES);

export const AcceptedEventView = z.object({
  id: z.string().describe("The producer's id, or the one the platform assigned"),
  event: z.string(),
  status: z.literal('accepted'),
});
export type AcceptedEventView = z.output<typeof AcceptedEventView>;
