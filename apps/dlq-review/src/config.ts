import { commonEnv, port } from '@smart-dairy/config';
import { z } from 'zod';

export const DlqReviewConfigSchema = z.object({
  ...commonEnv,
  PORT: port(3004),
});

export type DlqReviewConfig = z.infer<typeof DlqReviewConfigSchema>;
