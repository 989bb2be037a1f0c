import { z } from 'zod';
import { ConfigError } from './load-config';

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const durationMs = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

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
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/smart_dairy'),
  DATABASE_POOL_SIZE: positiveInt(10),
  SHUTDOWN_TIMEOUT_MS: durationMs(25_000),
} as const;

export { booleanFlag };

/** Variables of the services that expose the authenticated /v1 API. */
export const apiEnv = {
  API_RATE_LIMIT_PER_SECOND: positiveInt(50),
  API_RATE_LIMIT_BURST: positiveInt(100),
  API_KEY_CACHE_TTL_MS: durationMs(5_000),
} as const;

// Only for development and tests, where secrets protect nothing; production must bring its own ring.
const DEV_SECRET_ENCRYPTION_KEYS = 'dev-only:ZGV2LW9ubHktc2VjcmV0LWtleS1ub3QtZm9yLXByb2Q=';

/** Variables of the services that read or write subscription signing secrets. */
export const secretEnv = {
  SECRET_ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+\s*(,\s*[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+\s*)*$/,
      'expected id:base64key[,...]',
    )
    .optional(),
} as const;

/** The key ring to use: the configured one, or in development and tests a fixed, public one. */
export function secretKeyRing(config: { NODE_ENV: string; SECRET_ENCRYPTION_KEYS?: string }): string {
  if (config.SECRET_ENCRYPTION_KEYS) return config.SECRET_ENCRYPTION_KEYS;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError('production', ['SECRET_ENCRYPTION_KEYS: required in production']);
  }
  return DEV_SECRET_ENCRYPTION_KEYS;
}
