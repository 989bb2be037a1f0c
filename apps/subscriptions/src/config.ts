import { commonEnv, port } from '@smart-dairy/config';
import { z } from 'zod';

export const SubscriptionsConfigSchema = z.object({
  ...commonEnv,
  PORT: port(3001),
});

export type SubscriptionsConfig = z.infer<typeof SubscriptionsConfigSchema>;
