import { FILTER_LIMITS, compileFilter, type FilterDocument } from '@smart-dairy/payload-filter';
import {
  MAX_CUSTOM_HEADERS,
  customHeaderProblems,
  refineStorableText,
  validateFilter,
} from '@smart-dairy/schemas';
import { SIGNATURE_SCHEMES } from '@smart-dairy/signing';
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

const ordering = z
  .enum(['none', 'per_key'])
  .describe(
    '`per_key`: the events of one key (the aggregate id: `order_id`, `payment_id`, ...) are sent one after ' +
      'the other, each once the earlier ones were delivered or dead-lettered; priorities do not apply ' +
      'between them. A dead letter lets the next event go; its replay, or a manual retry, is sent out of ' +
      'order. Applies to events that arrive after the change. `none` (the default): sent as soon as possible.',
  )
  .meta({ examples: ['per_key'] });
const FILTER_EXAMPLE: FilterDocument = {
  'data.total': { $gte: 100 },
  $or: [{ 'data.currency': 'EUR' }, { 'data.shipping.address.country': { $in: ['DE', 'AT'] } }],
};

// z.custom keeps the parsed JSON as it came; the filter library checks it and names each bad part.
const payloadFilter = z
  .custom<FilterDocument>()
  .superRefine((value, ctx) => {
    const compiled = compileFilter(value);
    if (compiled.ok) return;
    for (const { at, message } of compiled.problems) ctx.addIssue({ code: 'custom', path: [...at], message });
  })
  .meta({
    type: 'object',
    description:
      'Only events that match are delivered. Keys are field paths (`event`, or `data.` and keys; array ' +
      'elements by index: `data.items.0.sku`) mapped to a value or to operators ($eq, $neq, $gt, $gte, $lt, ' +
      `$lte, $in, $nin, $exists, $prefix, $suffix); $and, $or and $not combine filters. At most ` +
      `${FILTER_LIMITS.maxConditions} conditions, ${FILTER_LIMITS.maxDepth} levels of $and/$or/$not and ` +
      `${FILTER_LIMITS.maxBytes} bytes of JSON (docs/protocol.md#payload-filters)`,
    examples: [FILTER_EXAMPLE],
  });
/** What reads show for every custom header value; sent back in an update, it keeps the stored value. */
export const MASKED_HEADER_VALUE = '********';

const customHeaders = z
  .record(z.string(), z.string())
  .superRefine((headers, ctx) => {
    for (const { path, message } of customHeaderProblems(headers)) {
      ctx.addIssue({ code: 'custom', path: path === '' ? [] : [path], message });
    }
  })
  .describe(
    `Headers added to every attempt of every delivery, at most ${MAX_CUSTOM_HEADERS}: a name (RFC 7230 token) ` +
      'and a value of printable ASCII (at most 1024 bytes). Values are stored encrypted and read back masked. ' +
      'The platform keeps Content-*, User-Agent, Host, X-Event-Type, X-Webhook-*, webhook-*, Expect and the ' +
      'hop-by-hop headers (Connection, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade, Proxy-*) to itself.',
  )
  .meta({ examples: [{ Authorization: 'Bearer partner-gateway-token', 'X-Partner-Region': 'eu-west' }] });

const signatureScheme = z
  .enum(SIGNATURE_SCHEMES)
  .describe(
    '`smart-dairy` (the default): X-Webhook-Signature, `sha256=` HMAC of "timestamp.body". `standard-webhooks`: ' +
      'Standard Webhooks v1, webhook-id, webhook-timestamp and webhook-signature, `v1,` HMAC of "id.timestamp.body", ' +
      'one signature per valid secret during a rotation; its secret is whsec_ + standard base64',
  )
  .meta({ examples: ['standard-webhooks'] });

export const CreateSubscriptionBody = z.strictObject({
  url,
  events,
  description: description.optional(),
  metadata: metadata.optional(),
  rate_limit_per_second: rateLimit.optional(),
  filter: payloadFilter.optional(),
  signature_scheme: signatureScheme.optional(),
  custom_headers: customHeaders.optional(),
  ordering: ordering.default('none'),
});
export type CreateSubscriptionInput = z.output<typeof CreateSubscriptionBody>;

export const UpdateSubscriptionBody = z.strictObject({
  url: url.optional(),
  events: events.optional(),
  description: description.nullable().optional().describe('null removes it'),
  metadata: metadata.optional().describe('Replaces the whole map'),
  rate_limit_per_second: rateLimit.nullable().optional().describe('null removes the limit'),
  filter: payloadFilter.nullable().optional().describe('null removes the filter'),
  signature_scheme: signatureScheme
    .optional()
    .describe(
      'Choosing standard-webhooks while the secret is not a Standard Webhooks key (every secret made for ' +
        'smart-dairy) rotates it as rotate-secret does, with the default grace period: the answer has ' +
        '`secret_rotated: true` and the new `secret`',
    ),
  custom_headers: customHeaders
    .nullable()
    .optional()
    .describe(
      `Replaces the whole set; null or {} removes them all. A value of "${MASKED_HEADER_VALUE}" (as reads show it) ` +
        'keeps the value stored for that name',
    ),
  ordering: ordering.optional(),
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
  filter: z
    .record(z.string(), z.unknown())
    .nullable()
    .meta({
      description: 'The payload filter; null delivers every event of the types',
      examples: [FILTER_EXAMPLE],
    }),
  signature_scheme: z.enum(SIGNATURE_SCHEMES),
  custom_headers: z
    .record(z.string(), z.literal(MASKED_HEADER_VALUE))
    .describe('The names of the headers added to every attempt; their values are never shown')
    .meta({ examples: [{ Authorization: MASKED_HEADER_VALUE, 'X-Partner-Region': MASKED_HEADER_VALUE }] }),
  ordering,
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

export const UpdatedSubscriptionView = SubscriptionView.extend({
  secret_rotated: z
    .boolean()
    .describe(
      'True when choosing standard-webhooks issued a new secret; the previous one verifies as after a rotation',
    ),
  secret: z.string().optional().describe('The new signing secret, present only when secret_rotated is true'),
});
export type UpdatedSubscriptionView = z.output<typeof UpdatedSubscriptionView>;

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

export const FilterTestBody = z.strictObject({
  event: eventType,
  data: z
    .looseObject({})
    .optional()
    .describe("The event's data, not checked against its type's schema; the catalog sample when absent"),
});
export type FilterTestInput = z.output<typeof FilterTestBody>;

export const FilterTestView = z.object({
  matches: z.boolean().describe('Whether an event like this one would be delivered (whatever the status)'),
  events_match: z.boolean().describe("The subscription's `events` select its type"),
  filter_matches: z.boolean().describe('Its filter holds for the event; true without a filter'),
  failed: z
    .array(
      z.object({
        clause: z.string().describe('`events`, or the part of the filter: `filter["data.total"].$gte`'),
        message: z.string(),
      }),
    )
    .describe('What keeps the event out; empty when it matches'),
});
export type FilterTestView = z.output<typeof FilterTestView>;

export const TestDeliveryView = z.object({
  delivery_id: z.string().describe('Watch it at GET /v1/deliveries/{id} once ingestion has created it'),
  event_id: z.string(),
  event: z.string(),
});
export type TestDeliveryView = z.output<typeof TestDeliveryView>;
