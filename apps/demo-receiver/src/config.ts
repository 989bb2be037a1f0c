import { port } from '@smart-dairy/config';
import { z } from 'zod';

export const DemoReceiverConfigSchema = z
  .object({
    DEMO_RECEIVER_PORT: port(4000),
    /** Comma-separated: during a rotation, the new secret and the previous one. */
    DEMO_RECEIVER_SECRET: z.string().min(1).optional(),
    /** Read again on every request, so a local stack can write the secret after the receiver started. */
    DEMO_RECEIVER_SECRETS_FILE: z.string().min(1).optional(),
  })
  .refine((c) => c.DEMO_RECEIVER_SECRET !== undefined || c.DEMO_RECEIVER_SECRETS_FILE !== undefined, {
    path: ['DEMO_RECEIVER_SECRET'],
    message: 'set DEMO_RECEIVER_SECRET or DEMO_RECEIVER_SECRETS_FILE',
  });

export type DemoReceiverConfig = z.infer<typeof DemoReceiverConfigSchema>;
