import { commonEnv, port } from '@smart-dairy/config';
import { z } from 'zod';

export const IngestionConfigSchema = z.object({
  ...commonEnv,
  PORT: port(3002),
});

export type IngestionConfig = z.infer<typeof IngestionConfigSchema>;
