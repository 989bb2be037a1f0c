import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { kafkaSecurity, kafkaSecurityEnv, type KafkaSecurity } from './kafka-security';
import { loadConfig } from './load-config';
import { publishedAdminKey, publishedKeyRingKey } from './published-secrets';
import { tracingEnv } from './tracing-env';

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const durationMs = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

export { booleanFlag } from './boolean-flag';

/** Variables every service reads: runtime mode, logging, Kafka, Postgres and tracing. */
export const commonEnv = {
  // Production rules unless a local stack or a test asks for development or test mode.
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1)),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  // Lets test suites and parallel stacks share one broker without sharing topics.
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'only letters, digits, ".", "_" and "-"')
    .default(''),
  KAFKA_EVENT_PARTITIONS: positiveInt(6),
  KAFKA_DELIVERY_PARTITIONS: positiveInt(12),
  KAFKA_INTERNAL_PARTITIONS: positiveInt(3),
  KAFKA_REPLICATION_FACTOR: positiveInt(1),
  ...kafkaSecurityEnv,
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/smart_dairy'),
  DATABASE_POOL_SIZE: positiveInt(10),
  /** Waiting for a pooled connection or a new one; past it the query fails and its batch is retried. */
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt(5_000),
  /** One statement, or one transaction, from start to answer. */
  DATABASE_QUERY_TIMEOUT_MS: positiveInt(15_000),
  /** One Kafka send, kafkajs's own retries included. */
  KAFKA_SEND_TIMEOUT_MS: positiveInt(30_000),
  /** A consumer holding input without committing for this long fails /health. */
  CONSUMER_STALL_TIMEOUT_MS: positiveInt(120_000),
  SHUTDOWN_TIMEOUT_MS: durationMs(25_000),
  /**
   * A delivery made pending (and its task published) that is still pending this long after is handed out
   * again by the dispatcher's retry scheduler: its task was lost between Postgres and Kafka. Far above any
   * consumer lag, so a normal backlog is never sent twice.
   */
  PENDING_DELIVERY_LEASE_MS: durationMs(600_000),
  // Where a NetworkPolicy must tell monitoring from API clients, which it can only do by port.
  MANAGEMENT_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  ...tracingEnv,
} as const;

/**
 * The Kafka security settings of an environment, for tools that connect to the platform's broker
 * outside a service (the local stack, the chaos suite, the bench): the variables the services read.
 */
export function kafkaSecurityFromEnv(tool: string, env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const schema = z.object({ NODE_ENV: commonEnv.NODE_ENV, ...kafkaSecurityEnv });
  return kafkaSecurity(loadConfig(tool, schema, env), tool);
}

/** Variables of the services that move events, deliveries or dead letters (ingestion, dispatcher, dlq-review). */
export const activitySummaryEnv = {
  /**
   * How often the service logs, at info, what it did meanwhile: one line instead of one per event or delivery
   * (those are debug). 0 turns the summary off.
   */
  ACTIVITY_SUMMARY_INTERVAL_MS: durationMs(60_000),
} as const;

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Variables of every service: how its retention sweeps run. The periods are each owner's own variables. */
export const retentionEnv = {
  /** How often each table's sweep runs; 0 turns retention off. */
  RETENTION_INTERVAL_MS: durationMs(10 * 60_000),
  /**
   * Rows one retention statement looks at, at most (and so deletes, at most). Small enough that one statement,
   * deleting a delivery with its attempts across their indexes, stays short beside a delivery's own writes.
   */
  RETENTION_BATCH_SIZE: positiveInt(250),
  /** The shortest pause between two statements of a sweep, which leaves the database to the delivery path. */
  RETENTION_BATCH_PAUSE_MS: durationMs(50),
  /**
   * The share of its time a sweep may spend in its statements: after one that took t ms it pauses at least
   * t x (1 - share) / share, so a database slowed by load slows the purge with it.
   */
  RETENTION_BUSY_SHARE: z.coerce.number().gt(0).max(1).default(0.2),
} as const;

export type RetentionEnv = z.infer<z.ZodObject<typeof retentionEnv>>;

/**
 * How long a deleted subscription stays: the dispatcher then deletes its deliveries, and the
 * subscriptions service its row once no delivery refers to it. Both read the same variable.
 */
export const deletedSubscriptionRetentionEnv = {
  DELETED_SUBSCRIPTION_RETENTION_MS: durationMs(7 * DAY_MS),
} as const;

/** Variables of the services with gauges that need a database query (dispatcher, dlq-review). */
export const metricsRefreshEnv = {
  /**
   * How often those gauges are refreshed from Postgres, by a periodic job and never per scrape (docs/monitoring.md).
   * 0 turns them off.
   */
  METRICS_REFRESH_INTERVAL_MS: durationMs(30_000),
} as const;

/** Variables of the services that expose the authenticated /v1 API. */
export const apiEnv = {
  API_RATE_LIMIT_PER_SECOND: positiveInt(50),
  API_RATE_LIMIT_BURST: positiveInt(100),
  API_KEY_CACHE_TTL_MS: durationMs(5_000),
  API_AUTH_FAILURE_BURST: positiveInt(20),
  API_AUTH_FAILURES_PER_MINUTE: positiveInt(10),
  API_AUTH_FAILURE_MAX_ADDRESSES: positiveInt(10_000),
  /** 0: the peer address is the client; behind n proxies, the n-th address from the right of X-Forwarded-For. */
  API_TRUST_PROXY_HOPS: z.coerce.number().int().nonnegative().max(10).default(0),
} as const;

export type ApiEnv = z.infer<z.ZodObject<typeof apiEnv>>;

/**
 * Published in this repository, so it protects nothing: it only lets `npm start` and the tests run
 * without setup, in development or test mode. Production refuses it (published-secrets.ts).
 */
export const DEV_SECRET_ENCRYPTION_KEYS = 'dev-only-not-secret:5iEXGfx0xYGbizmUVimMmWP8MyUzp11Hw/WWX571dsk=';

const AES_256_KEY_BYTES = 32;
const MIN_ADMIN_API_KEY_LENGTH = 32;
const GENERATE_KEY_RING = 'generate one: echo "k1:$(openssl rand -base64 32)"';

interface KeyRingEntry {
  readonly id: string;
  readonly key: Buffer;
}

/** `id:<base64 of 32 bytes>`, comma-separated, ids unique; the first key encrypts, all decrypt. */
function parseKeyRing(text: string): { entries: KeyRingEntry[]; problems: string[] } {
  const problems: string[] = [];
  const entries: KeyRingEntry[] = [];
  const ids = new Set<string>();
  const texts = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (texts.length === 0) problems.push('expected at least one key, as <id>:<base64 key>');
  for (const entry of texts) {
    const [id = '', encoded = ''] = entry.split(':', 2);
    const key = Buffer.from(encoded, 'base64');
    // The key itself is never echoed: the message must be safe to print.
    if (!/^[A-Za-z0-9_-]+$/.test(id)) problems.push(`key id "${id}" must be [A-Za-z0-9_-]+ before a ":"`);
    else if (ids.has(id)) problems.push(`key id "${id}" appears twice`);
    else if (key.length !== AES_256_KEY_BYTES) {
      problems.push(`key "${id}" must be ${AES_256_KEY_BYTES} bytes, base64-encoded`);
    } else entries.push({ id, key });
    ids.add(id);
  }
  return { entries, problems };
}

const keyRing = z.string().superRefine((text, ctx) => {
  for (const problem of parseKeyRing(text).problems) ctx.addIssue(problem);
});

/**
 * Variables of the services that read or write encrypted signing secrets (subscriptions,
 * dispatcher). The key ring depends on NODE_ENV, so a schema spreading these must end in
 * `.transform(withSecretKeyRing)`; until then SECRET_ENCRYPTION_KEYS is typed optional.
 */
export const secretEnv = {
  SECRET_ENCRYPTION_KEYS: keyRing.optional(),
  /** The same, read from a file at start (Docker and Kubernetes secrets are files). */
  SECRET_ENCRYPTION_KEYS_FILE: z.string().min(1).optional(),
} as const;

type Context = z.RefinementCtx<unknown>;

const issue = (ctx: Context, path: string, message: string) =>
  ctx.addIssue({ code: 'custom', path: [path], message });

/** A secret given as `NAME` or as `NAME_FILE` (its content, trimmed); both at once is an error. */
function secretOf(
  config: Record<string, unknown>,
  name: string,
  ctx: Context,
): { value?: string; from: string } {
  const file = config[`${name}_FILE`] as string | undefined;
  const value = config[name] as string | undefined;
  if (file === undefined) return { value, from: name };
  const from = `${name}_FILE`;
  if (value !== undefined) {
    issue(ctx, from, `set ${name} or ${from}, not both`);
    return { from };
  }
  try {
    return { value: readFileSync(file, 'utf8').trim(), from };
  } catch (error) {
    issue(ctx, from, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return { from };
  }
}

/**
 * The key ring from SECRET_ENCRYPTION_KEYS(_FILE). Development and test mode fall back to the
 * development ring; production requires one of its own and refuses any key published here.
 */
export function withSecretKeyRing<
  C extends { NODE_ENV: string; SECRET_ENCRYPTION_KEYS?: string; SECRET_ENCRYPTION_KEYS_FILE?: string },
>(config: C, ctx: z.RefinementCtx<C>): C & { SECRET_ENCRYPTION_KEYS: string } {
  const { value, from } = secretOf(config, 'SECRET_ENCRYPTION_KEYS', ctx);
  const production = config.NODE_ENV === 'production';
  if (value === undefined) {
    if (from !== 'SECRET_ENCRYPTION_KEYS') return z.NEVER;
    if (!production) return { ...config, SECRET_ENCRYPTION_KEYS: DEV_SECRET_ENCRYPTION_KEYS };
    issue(
      ctx,
      from,
      `required in production (comma-separated <id>:<base64 32-byte key>): ${GENERATE_KEY_RING}`,
    );
    return z.NEVER;
  }
  const { entries, problems } = parseKeyRing(value);
  for (const problem of from === 'SECRET_ENCRYPTION_KEYS' ? [] : problems) issue(ctx, from, problem);
  for (const { id, key } of production ? entries : []) {
    const published = publishedKeyRingKey(key);
    if (published) {
      issue(ctx, from, `key "${id}" is ${published}, published in this repository: ${GENERATE_KEY_RING}`);
    }
  }
  return { ...config, SECRET_ENCRYPTION_KEYS: value };
}

/** The subscriptions service's first admin key; like the key ring, it may come from a file. */
export const adminKeyEnv = {
  ADMIN_API_KEY: z.string().min(MIN_ADMIN_API_KEY_LENGTH).optional(),
  ADMIN_API_KEY_FILE: z.string().min(1).optional(),
} as const;

/** ADMIN_API_KEY from the variable or its file; production refuses a key published here. */
export function withAdminApiKey<
  C extends { NODE_ENV: string; ADMIN_API_KEY?: string; ADMIN_API_KEY_FILE?: string },
>(config: C, ctx: z.RefinementCtx<C>): C {
  const { value, from } = secretOf(config, 'ADMIN_API_KEY', ctx);
  if (value === undefined) return config;
  if (value.length < MIN_ADMIN_API_KEY_LENGTH) {
    issue(ctx, from, `must be at least ${MIN_ADMIN_API_KEY_LENGTH} characters`);
  }
  const published = config.NODE_ENV === 'production' ? publishedAdminKey(value) : undefined;
  if (published) {
    issue(ctx, from, `is ${published}, published in this repository: generate one (openssl rand -hex 32)`);
  }
  return { ...config, ADMIN_API_KEY: value };
}

/** A comma-separated list of positive integers, sorted ascending and without repeats: `10,100,1000`. */
export const positiveIntList = (fallback: readonly number[]) =>
  z
    .string()
    .default(fallback.join(','))
    .transform((v) => v.split(',').map(Number))
    .pipe(z.array(z.number().int().positive()).min(1))
    .transform((numbers) => [...new Set(numbers)].sort((a, b) => a - b));

/** Variables of the services that accept or call partner endpoints (subscriptions, dispatcher). */
export const endpointEnv = {
  /** Loopback, private and link-local hosts and plain http: for local stacks and tests. */
  ALLOW_PRIVATE_ENDPOINTS: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
} as const;

/** Private endpoints are allowed where configured, and by default everywhere but in production. */
export function allowPrivateEndpoints(config: {
  NODE_ENV: string;
  ALLOW_PRIVATE_ENDPOINTS?: boolean;
}): boolean {
  return config.ALLOW_PRIVATE_ENDPOINTS ?? config.NODE_ENV !== 'production';
}
