import { z } from 'zod';
import { jsonCodec } from './codec';

/** What lands on `events.invalid`: the original message untouched, where it came from and why. */
export const invalidEventSchema = z.object({
  source: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
  key: z.string().nullable(),
  /** The original bytes, base64, so nothing about a malformed message is lost. */
  value: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).min(1),
  quarantinedAt: z.iso.datetime(),
});

export type InvalidEvent = z.infer<typeof invalidEventSchema>;

export const invalidEventCodec = jsonCodec(invalidEventSchema);
