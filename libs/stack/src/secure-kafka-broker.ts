import type { KafkaSecurity } from '@smart-dairy/config';
import { KafkaClient } from '@smart-dairy/kafka';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { freePort } from './free-port';
import { repoRoot } from './paths';
import { platformAclEntries } from './platform-acls';
import { waitFor } from './wait-for';

export interface ScramUser {
  readonly name: string;
  readonly password: string;
}

export interface SecureBrokerOptions {
  /** Certificates, configuration, data and logs; removed by `remove()`. */
  readonly dataDir: string;
  /** SCRAM-SHA-512 users created when the storage is formatted, besides the broker's own `admin`. */
  readonly users: readonly string[];
  /** Clients must present a certificate signed by the broker's CA too (ssl.client.auth=required). */
  readonly mutualTls?: boolean;
  readonly heapOpts?: string;
}

const KAFKA_DIR = join(repoRoot, 'tools', 'kafka');
const LIB_DIR = process.env.KAFKA_LIB_DIR ?? join(repoRoot, '.data', 'kafka', 'lib');
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 30_000;
/** The broker's own principal, a super user; also what tools use to create topics and ACLs. */
export const BROKER_ADMIN = 'admin';

/**
 * A single-node KRaft broker whose only client listener is SASL_SSL with SCRAM-SHA-512 and the standard
 * authorizer, everything made at first start: a CA and the broker's certificate (openssl), the SCRAM
 * users (at storage-format time, KIP-900), the configuration (tools/kafka's template plus the security
 * settings). The controller listener stays plaintext on loopback: KRaft controllers cannot use SCRAM.
 * It runs from the jars tools/kafka/kafka.sh fetches, like the shared broker, and can be stopped and
 * started again on the same data.
 */
export class SecureKafkaBroker {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly passwords = new Map<string, string>();

  private constructor(
    private readonly options: SecureBrokerOptions,
    readonly port: number,
    private readonly controllerPort: number,
  ) {
    for (const name of [BROKER_ADMIN, ...options.users])
      this.passwords.set(name, randomBytes(18).toString('hex'));
  }

  static async create(options: SecureBrokerOptions): Promise<SecureKafkaBroker> {
    return new SecureKafkaBroker(options, await freePort(), await freePort());
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The CA that signed the broker's certificate (and, with mutual TLS, the clients'). */
  get caFile(): string {
    return this.file('ca.pem');
  }

  /** How `user` connects: TLS against the broker's CA (with the client certificate under mutual TLS) and SCRAM. */
  security(user: string): KafkaSecurity {
    const read = (name: string) => readFileSync(this.file(name), 'utf8');
    return {
      tls: {
        ca: read('ca.pem'),
        ...(this.options.mutualTls && { cert: read('client.pem'), key: read('client.key') }),
      },
      sasl: { mechanism: 'scram-sha-512', username: user, password: this.password(user) },
    };
  }

  /** The same as the services' environment: the variables README's configuration table documents. */
  env(user: string): NodeJS.ProcessEnv {
    const passwordFile = this.file(`${user}.password`);
    writeFileSync(passwordFile, `${this.password(user)}\n`, { mode: 0o600 });
    return {
      KAFKA_BROKERS: this.brokers.join(','),
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: this.caFile,
      ...(this.options.mutualTls && {
        KAFKA_TLS_CERT_FILE: this.file('client.pem'),
        KAFKA_TLS_KEY_FILE: this.file('client.key'),
      }),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: user,
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    };
  }

  /** Creates the ACLs of docs/deploy.md for the topics and groups under `topicPrefix` (users must exist). */
  async grantPlatformAcls(topicPrefix: string): Promise<void> {
    const client = new KafkaClient(
      {
        brokers: this.brokers,
        clientId: 'acl-setup',
        topicPrefix,
        partitions: { events: 1, deliveries: 1, internal: 1 },
        replicationFactor: 1,
        security: this.security(BROKER_ADMIN),
      },
      pino({ level: 'silent' }),
    );
    const admin = client.kafka.admin();
    await admin.connect();
    try {
      await admin.createAcls({ acl: platformAclEntries(topicPrefix) });
    } finally {
      await admin.disconnect();
    }
  }

  async start(): Promise<void> {
    if (this.child) return;
    if (!existsSync(join(this.options.dataDir, 'data', 'meta.properties'))) this.prepare();
    const logs = join(this.options.dataDir, 'logs');
    const out = openSync(join(logs, 'stdout.log'), 'a');
    const child = spawn(
      'java',
      [
        ...(this.options.heapOpts ?? '-Xmx512m -Xms128m').split(' '),
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        ...this.javaLogOptions(),
        '-cp',
        `${LIB_DIR}/*`,
        'kafka.Kafka',
        this.file('server.properties'),
      ],
      { stdio: ['ignore', out, out] },
    );
    closeSync(out);
    this.child = child;
    let running = true;
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        running = false;
        this.child = undefined;
        resolve();
      }),
    );
    const serverLog = join(logs, 'server.log');
    await waitFor(
      () => {
        if (!running) throw new Error(`the broker exited while starting:\n${tail(serverLog)}`);
        // Logged once the broker is unfenced and serves requests on its listeners.
        return existsSync(serverLog) && readFileSync(serverLog, 'utf8').includes('Kafka Server started');
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 250, description: 'the secured broker to start' },
    ).catch(async (error: unknown) => {
      await this.stop();
      throw error;
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Stops the broker for good and removes its data. */
  async remove(): Promise<void> {
    await this.stop();
    await rm(this.options.dataDir, { recursive: true, force: true });
  }

  private password(user: string): string {
    const password = this.passwords.get(user);
    if (!password) throw new Error(`${user} is not a SCRAM user of this broker`);
    return password;
  }

  private file(name: string): string {
    return join(this.options.dataDir, 'tls', name);
  }

  private javaLogOptions(): string[] {
    return [
      `-Dlog4j2.configurationFile=${join(KAFKA_DIR, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${join(this.options.dataDir, 'logs')}`,
    ];
  }

  /** Jars, certificates, configuration and formatted storage with the SCRAM users. */
  private prepare(): void {
    const { dataDir } = this.options;
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    mkdirSync(join(dataDir, 'tls'), { recursive: true });
    run('bash', [join(KAFKA_DIR, 'kafka.sh'), 'jars']);
    const keystorePassword = randomBytes(12).toString('hex');
    this.makeCertificates(keystorePassword);
    writeFileSync(this.file('server.properties'), this.serverProperties(keystorePassword));
    const scram = [...this.passwords].flatMap(([name, password]) => [
      '--add-scram',
      `SCRAM-SHA-512=[name=${name},password=${password}]`,
    ]);
    run('java', [
      ...this.javaLogOptions(),
      '-cp',
      `${LIB_DIR}/*`,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId(),
      '--config',
      this.file('server.properties'),
      '--standalone',
      ...scram,
    ]);
  }

  private makeCertificates(keystorePassword: string): void {
    const tls = (name: string) => this.file(name);
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('openssl', [
      'req', '-x509', ...ec, '-keyout', tls('ca.key'), '-out', tls('ca.pem'),
      '-days', '7', '-subj', '/CN=smart-dairy test Kafka CA',
    ]); // prettier-ignore
    writeFileSync(tls('broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    const signed = (name: string, subject: string, extensions: string[] = []) => {
      run('openssl', [
        'req',
        ...ec,
        '-keyout',
        tls(`${name}.key`),
        '-out',
        tls(`${name}.csr`),
        '-subj',
        subject,
      ]);
      run('openssl', [
        'x509', '-req', '-in', tls(`${name}.csr`), '-CA', tls('ca.pem'), '-CAkey', tls('ca.key'),
        '-CAcreateserial', '-out', tls(`${name}.pem`), '-days', '7', ...extensions,
      ]); // prettier-ignore
    };
    signed('broker', '/CN=localhost', ['-extfile', tls('broker.ext')]);
    if (this.options.mutualTls) signed('client', '/CN=smart-dairy client');
    run('openssl', [
      'pkcs12', '-export', '-in', tls('broker.pem'), '-inkey', tls('broker.key'), '-certfile', tls('ca.pem'),
      '-name', 'broker', '-out', tls('broker.p12'), '-passout', `pass:${keystorePassword}`,
    ]); // prettier-ignore
  }

  private serverProperties(keystorePassword: string): string {
    const { dataDir, mutualTls } = this.options;
    const base = readFileSync(join(KAFKA_DIR, 'server.properties.template'), 'utf8')
      .replaceAll('@KAFKA_PORT@', String(this.port))
      .replaceAll('@KAFKA_CONTROLLER_PORT@', String(this.controllerPort))
      .replaceAll('@KAFKA_LOG_DIR@', join(dataDir, 'data'));
    const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${BROKER_ADMIN}" password="${this.password(BROKER_ADMIN)}";`;
    // Later keys win (java.util.Properties): these replace the template's plaintext listener.
    return `${base}
# Secured client listener (SecureKafkaBroker)
listeners=SASL_SSL://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}
advertised.listeners=SASL_SSL://127.0.0.1:${this.port}
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${jaas}
ssl.keystore.type=PKCS12
ssl.keystore.location=${this.file('broker.p12')}
ssl.keystore.password=${keystorePassword}
ssl.truststore.type=PEM
ssl.truststore.location=${this.caFile}
# On a SASL_SSL listener, only the listener-prefixed setting turns client certificates on (KIP-684).
listener.name.sasl_ssl.ssl.client.auth=${mutualTls ? 'required' : 'none'}
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# The broker registers with its controller over the plaintext loopback listener, as ANONYMOUS: without
# this the controller refuses the registration and the broker exits. A real cluster secures that listener.
super.users=User:${BROKER_ADMIN};User:ANONYMOUS
`;
  }
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args[0]} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  }
}

/** 16 random bytes, URL-safe base64 without padding, not starting with "-" (as kafka.sh makes them). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
}
