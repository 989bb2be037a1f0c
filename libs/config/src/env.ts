import { z } from 'zod';
import { kafkaSecurity, kafkaSecurityEnv, type KafkaSecurity } from './kafka-security';
import { loadConfig } from './load-config';

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const durationMs = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

export { booleanFlag } from './boolean-flag';

/** Variables every service reads: runtime mode, logging, Kafka and Postgres. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
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
} as const;

/**
 * The Kafka security settings of an environment, for tools that connect to the platform's broker
 * outside a service (the local stack, the chaos suite, the bench): the variables the services read.
 */
export function kafkaSecurityFromEnv(tool: string, env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const schema = z.object({ NODE_ENV: commonEnv.NODE_ENV, ...kafkaSecurityEnv });
  return kafkaSecurity(loadConfig(tool, schema, env), tool);
}

/** Variables of the services that expose the authenticated /v1 API. */
export const apiEnv = {
  API_RATE_LIMIT_PER_SECOND: positiveInt(50),
  API_RATE_LIMIT_BURST: positiveInt(100),
  API_KEY_CACHE_TTL_MS: durationMs(5_000),
} as const;

/**
 * Published in this repository, so it protects nothing: it only lets `npm start` and the tests run
 * without setup. Production refuses to start without SECRET_ENCRYPTION_KEYS of its own.
 */
export const DEV_SECRET_ENCRYPTION_KEYS = 'dev-only-not-secret:5iEXGfx0xYGbizmUVimMmWP8MyUzp11Hw/WWX571dsk=';

const AES_256_KEY_BYTES = 32;

/** `id:<base64 of 32 bytes>`, comma-separated, ids unique; the first key encrypts, all decrypt. */
const keyRing = z.string().superRefine((text, ctx) => {
  const ids = new Set<string>();
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) ctx.addIssue('expected at least one key, as <id>:<base64 key>');
  for (const entry of entries) {
    const [id = '', key = ''] = entry.split(':', 2);
    // The key itself is never echoed: the message must be safe to print.
    if (!/^[A-Za-z0-9_-]+$/.test(id)) ctx.addIssue(`key id "${id}" must be [A-Za-z0-9_-]+ before a ":"`);
    else if (ids.has(id)) ctx.addIssue(`key id "${id}" appears twice`);
    else if (Buffer.from(key, 'base64').length !== AES_256_KEY_BYTES) {
      ctx.addIssue(`key "${id}" must be ${AES_256_KEY_BYTES} bytes, base64-encoded`);
    }
    ids.add(id);
  }
});

/**
 * Variables of the services that read or write encrypted signing secrets (subscriptions,
 * dispatcher). The key ring depends on NODE_ENV, so a schema spreading these must end in
 * `.transform(withSecretKeyRing)`; until then SECRET_ENCRYPTION_KEYS is typed optional.
 */
export const secretEnv = {
  SECRET_ENCRYPTION_KEYS: keyRing.optional(),
} as const;

/** Fills in the development key ring outside production; in production a missing one is an error. */
export function withSecretKeyRing<C extends { NODE_ENV: string; SECRET_ENCRYPTION_KEYS?: string }>(
  config: C,
  ctx: z.RefinementCtx<C>,
): C & { SECRET_ENCRYPTION_KEYS: string } {
  const keys = config.SECRET_ENCRYPTION_KEYS;
  if (keys !== undefined) return { ...config, SECRET_ENCRYPTION_KEYS: keys };
  if (config.NODE_ENV === 'production') {
    ctx.addIssue({
      code: 'custom',
      path: ['SECRET_ENCRYPTION_KEYS'],
      message: 'required in production (comma-separated <id>:<base64 32-byte key>)',
    });
    return z.NEVER;
  }
  return { ...config, SECRET_ENCRYPTION_KEYS: DEV_SECRET_ENCRYPTION_KEYS };
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
