import { SERVICES } from '@smart-dairy/stack';
import { usesKeysVolume, withGeneratedKeys, type GeneratedKeys } from './compose-keys';
import { envProblems, objectShape, type ConfigSchemas } from './config-schemas';
import { scriptSyntaxError } from './node-script';
import { at, isMap, listAt, mapAt, stringAt } from './yaml-files';

export interface ComposeCheckOptions {
  readonly schemas: ConfigSchemas;
  /** Targets the Dockerfile defines. */
  readonly dockerTargets: ReadonlySet<string>;
  /** tools/kafka/server.properties.template, the local broker's settings. */
  readonly kafkaProperties: ReadonlyMap<string, string>;
  /** The Kafka version of tools/kafka/pom.xml. */
  readonly kafkaVersion: string;
  /** What the `keys` service generated when its script was run here. */
  readonly keys: GeneratedKeys;
}

/** Never written into the file: the `keys` service generates them (`<NAME>_FILE` reads them). */
const GENERATED_SECRETS = ['SECRET_ENCRYPTION_KEYS', 'ADMIN_API_KEY'];
const LOOPBACK = '127.0.0.1:';

const DEPENDENCIES = {
  kafka: 'service_healthy',
  postgres: 'service_healthy',
  migrate: 'service_completed_successfully',
};
const GRACE_MARGIN_MS = 5_000;

/** A compose service's environment, written as a map or as a list of KEY=VALUE. */
export function composeEnvironment(compose: unknown, service: string): Record<string, string> {
  const environment = at(compose, 'services', service, 'environment');
  const entries = Array.isArray(environment)
    ? environment.map((line) => String(line).split(/=(.*)/s).slice(0, 2))
    : Object.entries(isMap(environment) ? environment : {}).map(([key, value]) => [key, String(value ?? '')]);
  return Object.fromEntries(entries);
}

export function checkCompose(compose: unknown, options: ComposeCheckOptions): string[] {
  const problems: string[] = [];
  const services = mapAt(compose, 'services') ?? {};
  for (const name of ['kafka', 'postgres', 'keys', 'migrate', ...SERVICES, 'demo-receiver']) {
    if (!(name in services)) problems.push(`compose: no service ${name}`);
  }
  problems.push(...options.keys.problems);
  for (const [name, service] of Object.entries(services)) {
    for (const mapping of listAt(service, 'ports').map(String)) {
      if (!mapping.startsWith(LOOPBACK)) {
        problems.push(`compose service ${name}: port ${mapping} is not bound to ${LOOPBACK.slice(0, -1)}`);
      }
    }
  }

  for (const name of [...SERVICES, 'demo-receiver'] as const) {
    const where = `compose service ${name}`;
    const service = mapAt(services, name);
    if (!service) continue;
    const written = composeEnvironment(compose, name);
    const { env, read, missing } = withGeneratedKeys(written, options.keys);
    for (const key of GENERATED_SECRETS.filter((k) => k in written)) {
      problems.push(`${where}: ${key} is written in the file; read the generated one with ${key}_FILE`);
    }
    for (const key of missing) problems.push(`${where}: ${key} is a file the keys service does not write`);
    if (read.length > 0 && !usesKeysVolume(service)) {
      problems.push(`${where}: reads generated keys without mounting the keys volume read-only after it ran`);
    }
    problems.push(...buildProblems(where, service, name, options));
    problems.push(
      ...envProblems(options.schemas[name], env).map((p) =>
        p.missing
          ? `${where}: ${p.key} is required by apps/${name}/src/config.ts but not set (${p.message})`
          : `${where}: ${p.key}=${env[p.key] ?? ''} is rejected: ${p.message}`,
      ),
    );
    const test = at(service, 'healthcheck', 'test');
    const syntax = scriptSyntaxError(test);
    if (!Array.isArray(test) || !test.every((part) => typeof part === 'string')) {
      problems.push(`${where}: healthcheck.test is not a list of strings`);
    } else if (syntax) problems.push(`${where}: health check script does not parse: ${syntax}`);
    if (name === 'demo-receiver') continue;

    if (env.NODE_ENV !== 'production') problems.push(`${where}: NODE_ENV is not production`);
    for (const [dependency, condition] of Object.entries(DEPENDENCIES)) {
      if (stringAt(service, 'depends_on', dependency, 'condition') !== condition) {
        problems.push(`${where}: does not wait for ${dependency} (${condition})`);
      }
    }
    const port = String(objectShape(options.schemas[name]).PORT?.parse(env.PORT));
    if (!listAt(service, 'ports').some((mapping) => String(mapping).endsWith(`:${port}`))) {
      problems.push(`${where}: does not publish its PORT ${port}`);
    }
    const shutdownMs = Number(
      objectShape(options.schemas[name]).SHUTDOWN_TIMEOUT_MS?.parse(env.SHUTDOWN_TIMEOUT_MS),
    );
    const graceMs = durationMs(stringAt(service, 'stop_grace_period') ?? '10s');
    if (graceMs < shutdownMs + GRACE_MARGIN_MS) {
      problems.push(
        `${where}: stop_grace_period is shorter than SHUTDOWN_TIMEOUT_MS + ${GRACE_MARGIN_MS / 1000} s`,
      );
    }
    if (composeEnvironment(compose, 'migrate').DATABASE_URL !== env.DATABASE_URL) {
      problems.push(`${where}: DATABASE_URL is not the one the migrate service migrates`);
    }
  }

  const migrate = mapAt(services, 'migrate');
  if (migrate) {
    problems.push(...buildProblems('compose service migrate', migrate, 'migrate', options));
    if (stringAt(migrate, 'depends_on', 'postgres', 'condition') !== 'service_healthy') {
      problems.push('compose service migrate: does not wait for postgres (service_healthy)');
    }
  }
  problems.push(...kafkaProblems(compose, options));
  return problems;
}

function buildProblems(
  where: string,
  service: Record<string, unknown>,
  target: string,
  options: ComposeCheckOptions,
) {
  const problems: string[] = [];
  const built = stringAt(service, 'build', 'target');
  if (built !== target) problems.push(`${where}: builds target ${built ?? '(none)'}, not ${target}`);
  else if (!options.dockerTargets.has(target)) {
    problems.push(`${where}: the Dockerfile has no target ${target}`);
  }
  return problems;
}

/** The broker runs with the local broker's settings, host-specific ones (listeners, quorum, log dir) aside. */
function kafkaProblems(compose: unknown, { kafkaProperties, kafkaVersion }: ComposeCheckOptions): string[] {
  const problems: string[] = [];
  const image = stringAt(compose, 'services', 'kafka', 'image');
  if (image !== `apache/kafka:${kafkaVersion}`) {
    problems.push(`compose kafka: image ${image} is not apache/kafka:${kafkaVersion}`);
  }
  const env = composeEnvironment(compose, 'kafka');
  for (const [key, value] of kafkaProperties) {
    if (value.includes('@')) continue;
    const variable = `KAFKA_${key.toUpperCase().replace(/\./g, '_')}`;
    if (env[variable] !== value) {
      problems.push(`compose kafka: ${variable} is ${env[variable]}, the local broker has ${value}`);
    }
  }
  const names = (listeners: string | undefined) =>
    (listeners ?? '')
      .split(',')
      .map((l) => l.split('://')[0])
      .sort()
      .join(',');
  if (names(env.KAFKA_LISTENERS) !== names(kafkaProperties.get('listeners'))) {
    problems.push(`compose kafka: listeners ${names(env.KAFKA_LISTENERS)} differ from the local broker's`);
  }
  return problems;
}

/** Compose durations: `35s`, `1m30s`, `500ms`. */
function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(amount) * (units[unit ?? ''] ?? 0);
  return total;
}

/** `key=value` lines of a .properties file. */
export function parseProperties(text: string): Map<string, string> {
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && line.includes('='))
    .map(
      (line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()] as const,
    );
  return new Map(entries);
}
