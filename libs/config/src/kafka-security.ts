import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { booleanFlag } from './boolean-flag';
import { ConfigError } from './load-config';

const SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof SASL_MECHANISMS)[number];

const path = z.string().min(1).optional();

/** How every service (and every tool that talks to the platform's broker) connects: TLS and SASL/SCRAM. */
export const kafkaSecurityEnv = {
  KAFKA_TLS: booleanFlag(false),
  KAFKA_TLS_CA_FILE: path,
  KAFKA_TLS_CERT_FILE: path,
  KAFKA_TLS_KEY_FILE: path,
  // Kafka spells the mechanisms in capitals, kafkajs in lower case: either is accepted.
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(SASL_MECHANISMS))
    .optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD_FILE: path,
  KAFKA_ALLOW_SASL_WITHOUT_TLS: booleanFlag(false),
} as const;

export type KafkaSecurityVariables = { NODE_ENV: string } & z.output<z.ZodObject<typeof kafkaSecurityEnv>>;

/** What a Kafka client needs to reach a secured broker; an empty object is a plaintext connection. */
export interface KafkaSecurity {
  /** Server certificates are checked against `ca` (PEM), or the system's CAs; `cert`/`key` add mutual TLS. */
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly sasl?: {
    readonly mechanism: KafkaSaslMechanism;
    readonly username: string;
    readonly password: string;
  };
}

const PEM = {
  certificate: /-----BEGIN CERTIFICATE-----/,
  key: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/,
};

/**
 * Checks the variables together and reads the files they name, so a service with inconsistent settings
 * or a missing file stops at start with every problem listed (as ConfigError), not at its first connect.
 */
export function kafkaSecurity(vars: KafkaSecurityVariables, service: string): KafkaSecurity {
  const problems: string[] = [];
  const read = (name: keyof KafkaSecurityVariables, pattern?: RegExp): string | undefined => {
    const file = vars[name];
    if (typeof file !== 'string') return undefined;
    try {
      const text = readFileSync(file, 'utf8');
      if (pattern && !pattern.test(text)) problems.push(`${name}: ${file} is not PEM (${pattern.source})`);
      return text;
    } catch (error) {
      problems.push(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
      return undefined;
    }
  };

  const tls = vars.KAFKA_TLS ? tlsOptions(vars, read, problems) : undefined;
  if (!vars.KAFKA_TLS) {
    for (const name of ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const) {
      if (vars[name] !== undefined) problems.push(`${name}: only used with KAFKA_TLS=true`);
    }
  }
  const sasl = saslOptions(vars, read, problems);
  if (sasl && !vars.KAFKA_TLS && vars.NODE_ENV === 'production' && !vars.KAFKA_ALLOW_SASL_WITHOUT_TLS) {
    problems.push(
      'KAFKA_TLS: must be true in production when SASL is used (events would cross the network in clear); ' +
        'set KAFKA_ALLOW_SASL_WITHOUT_TLS=true to accept that',
    );
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return { ...(tls && { tls }), ...(sasl && { sasl }) };
}

type Reader = (name: keyof KafkaSecurityVariables, pattern?: RegExp) => string | undefined;

function tlsOptions(vars: KafkaSecurityVariables, read: Reader, problems: string[]): KafkaSecurity['tls'] {
  const ca = read('KAFKA_TLS_CA_FILE', PEM.certificate);
  const cert = read('KAFKA_TLS_CERT_FILE', PEM.certificate);
  const key = read('KAFKA_TLS_KEY_FILE', PEM.key);
  if ((vars.KAFKA_TLS_CERT_FILE === undefined) !== (vars.KAFKA_TLS_KEY_FILE === undefined)) {
    const missing = vars.KAFKA_TLS_CERT_FILE === undefined ? 'KAFKA_TLS_CERT_FILE' : 'KAFKA_TLS_KEY_FILE';
    problems.push(`${missing}: mutual TLS needs both KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE`);
  }
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
}

function saslOptions(vars: KafkaSecurityVariables, read: Reader, problems: string[]): KafkaSecurity['sasl'] {
  const mechanism = vars.KAFKA_SASL_MECHANISM;
  if (mechanism === undefined) {
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const) {
      if (vars[name] !== undefined) problems.push(`${name}: set KAFKA_SASL_MECHANISM too (scram-sha-512)`);
    }
    return undefined;
  }
  const username = vars.KAFKA_SASL_USERNAME;
  if (username === undefined) problems.push(`KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM`);
  if ((vars.KAFKA_SASL_PASSWORD === undefined) === (vars.KAFKA_SASL_PASSWORD_FILE === undefined)) {
    problems.push('KAFKA_SASL_PASSWORD: set it or KAFKA_SASL_PASSWORD_FILE (exactly one)');
    return undefined;
  }
  // A password file usually ends in a newline that is not part of the password.
  const password = vars.KAFKA_SASL_PASSWORD ?? read('KAFKA_SASL_PASSWORD_FILE')?.replace(/\r?\n$/, '');
  if (password === '') problems.push('KAFKA_SASL_PASSWORD_FILE: the file is empty');
  if (username === undefined || !password) return undefined;
  return { mechanism, username, password };
}
