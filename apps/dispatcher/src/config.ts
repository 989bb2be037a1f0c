import { commonEnv, port } from '@smart-dairy/config';
import { z } from 'zod';

export const DispatcherConfigSchema = z.object({
  ...commonEnv,
  PORT: port(3003),
});

export type DispatcherConfig = z.infer<typeof DispatcherConfigSchema>;
