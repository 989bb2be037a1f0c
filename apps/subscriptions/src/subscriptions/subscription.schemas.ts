import { refineStorableText, validateFilter } from '@smart-dairy/schemas';
import { z } from 'zod';
import { eventType, text, timestamp } from '../http/fields';
import { pageOf, pageQuery } from '../http/pagination';

export const MAX_URL_LENGTH = 2048;
const MAX_FILTERS = 50;
const MAX_METADATA_KEYS = 50;
const MAX_RATE_LIMIT = 10_000;
const DAY_SECONDS = 86_400;
export const DEFAULT_GRACE_PERIOD_SECONDS = DAY_SECONDS;
const MAX_GRACE_PERIOD_SECONDS = 30 * DAY_SECONDS;

export const SUBSCRIPTION_ID = /^wh_sub_[0-9a-f]{24}$/;

const eventFilter = text(100).superRefine((filter, ctx) => {
  const validation = validateFilter(filter);
  if (!validation.ok) ctx.addIssue(validation.message);
});

const events = z
  .array(eventFilter)
  .min(1)
  .max(MAX_FILTERS)
  .transform((filters) => [...new Set(filters)])
  .describe('Event types, category wildcards (`order.*`) or `*`; each must match at least one catalog type');

// Checked against the deployment's URL policy by the service; the shape is checked here.
const url = z
  .string()
  .min(1)
  .max(MAX_URL_LENGTH)
  .refine(
    (value) => ![...value].some((c) => c <= ' ' || c === '\u007f'),
    'must not contain spaces or control characters',
  )
  .superRefine(refineStorableText)
  .describe('Absolute http(s) URL; https with a public host in production');

const metadata = z
  .record(text(40).min(1), text(500))
  .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, `at most ${MAX_METADATA_KEYS} keys`)
  .describe('Your own key-value strings, returned as given');

const rateLimit = z
  .number()
  .int()
  .min(1)
  .max(MAX_RATE_LIMIT)
  .describe('Most deliveries per second to this endpoint');

const description = text(1000);

export const CreateSubscriptionBody = z.strictObject({
  url,
  events,
  description: description.optional(),
  metadata: metadata.optional(),
  rate_limit_per_second: rateLimit.optional(),
});
export type CreateSubscriptionInput = z.output<typeof CreateSubscriptionBody>;

export const UpdateSubscriptionBody = z.strictObject({
  url: url.optional(),
  events: events.optional(),
  description: description.nullable().optional().describe('null removes it'),
  metadata: metadata.optional().describe('Replaces the whole map'),
  rate_limit_per_second: rateLimit.nullable().optional().describe('null removes the limit'),
});
export type UpdateSubscriptionInput = z.output<typeof UpdateSubscriptionBody>;

export const DisableSubscriptionBody = z.strictObject({
  reason: text(500).optional().describe('Shown as disabled_reason'),
});

export const EnableSubscriptionBody = z
  .strictObject({
    discard_backlog: z
      .boolean()
      .default(false)
      .describe(
        'true: the deliveries that waited while it was disabled end as `discarded` instead of being sent',
      ),
  })
  .meta({
    description:
      'Enabling sends the deliveries that waited while the subscription was disabled, in order of arrival, unless discard_backlog',
    examples: [{ discard_backlog: true }],
  });
export type EnableSubscriptionInput = z.output<typeof EnableSubscriptionBody>;

export const RotateSecretBody = z.strictObject({
  grace_period_seconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_GRACE_PERIOD_SECONDS)
    .default(DEFAULT_GRACE_PERIOD_SECONDS)
    .describe('How long the previous secret stays valid; default 24 h'),
});

export const SubscriptionView = z.object({
  id: z.string().regex(SUBSCRIPTION_ID),
  url: z.string(),
  events: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  rate_limit_per_second: z.number().int().nullable(),
  disabled_reason: z.string().nullable(),
  disabled_at: timestamp.nullable(),
  failing_since: timestamp.nullable().describe('Start of the current run of failed deliveries'),
  secret_created_at: timestamp,
  secret_rotated_at: timestamp.nullable(),
  secret_rotation_due: z
    .boolean()
    .describe('The current secret is older than the rotation period (90 days by default): rotate it'),
  previous_secret_expires_at: timestamp
    .nullable()
    .describe('While in the future, the previous secret still verifies'),
  created_at: timestamp,
  updated_at: timestamp,
});
export type SubscriptionView = z.output<typeof SubscriptionView>;

export const SecretView = z.object({
  subscription_id: z.string(),
  secret: z.string().describe('The current signing secret (`whsec_...`); deliveries are signed with it'),
  previous_secret: z
    .string()
    .nullable()
    .describe('The secret before the last rotation, while its grace period lasts'),
  previous_secret_expires_at: timestamp.nullable(),
  secret_created_at: timestamp,
  secret_rotated_at: timestamp.nullable(),
  secret_rotation_due: z.boolean(),
});
export type SecretView = z.output<typeof SecretView>;

export const CreatedSubscriptionView = SubscriptionView.extend({
  secret: z.string().describe('The signing secret; also at GET /v1/subscriptions/{id}/secret'),
});
export type CreatedSubscriptionView = z.output<typeof CreatedSubscriptionView>;

export const SubscriptionPage = pageOf(SubscriptionView);

export const ListSubscriptionsQuery = z.strictObject({
  status: z.enum(['active', 'disabled']).optional(),
  event_type: eventType.optional().describe('Only subscriptions with a filter that selects this type'),
  ...pageQuery,
});
export type ListSubscriptionsInput = z.output<typeof ListSubscriptionsQuery>;

export const TestEventBody = z.strictObject({ event: eventType });

export const TestDeliveryView = z.object({
  delivery_id: z.string().describe('Watch it at GET /v1/deliveries/{id} once ingestion has created it'),
  event_id: z.string(),
  event: z.string(),
});
export type TestDeliveryView = z.output<typeof TestDeliveryView>;
