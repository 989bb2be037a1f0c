import { ApiKeyScope } from '@smart-dairy/db';
import { z } from 'zod';
import { text, timestamp } from '../http/fields';

export const API_KEY_ID = /^key_[0-9a-f]{32}$/;

const scope = z
  .enum([ApiKeyScope.admin, ApiKeyScope.read, ApiKeyScope.producer])
  .describe('admin: every route; read: the GET routes; producer: POST /v1/events of ingestion');

export const CreateApiKeyBody = z.strictObject({
  name: text(100).min(1).describe('Who or what uses the key'),
  scope,
  expires_at: timestamp
    .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
    .optional()
    .describe('The key stops working then; never, when absent'),
});
export type CreateApiKeyInput = z.output<typeof CreateApiKeyBody>;

export const ApiKeyView = z.object({
  id: z.string().regex(API_KEY_ID),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to tell keys apart'),
  scope,
  expires_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
  last_used_at: timestamp.nullable().describe('To the minute'),
  created_at: timestamp,
});
export type ApiKeyView = z.output<typeof ApiKeyView>;

export const CreatedApiKeyView = ApiKeyView.extend({
  key: z.string().describe('The key itself: shown this once, only its hash is stored'),
});
export type CreatedApiKeyView = z.output<typeof CreatedApiKeyView>;

export const ApiKeyList = z.object({ data: z.array(ApiKeyView) });
