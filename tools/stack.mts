// `npm start`: the whole platform on this machine, as a demo. Starts the Kafka broker (unless
// one is running), prepares the database, runs the four services and the demo receiver from
// dist/, registers a demo subscription to every event type, publishes one sample event of each
// type, and stops everything it started on Ctrl-C.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const stack: typeof import('../libs/stack/src/index.ts') = require('../dist/libs/stack/src/index.js');
const config: typeof import('../libs/config/src/index.ts') = require('../dist/libs/config/src/index.js');
const { DEFAULT_PORTS, SERVICES, ServiceProcess, ensureDemoSubscription, kafkaBroker, localAdminKey } = stack;
const { prepareDatabase, publishSamples } = stack;

// STACK_DATA_DIR lets a test start from nothing without touching the checkout's own .data.
const dataDir = process.env.STACK_DATA_DIR ?? join(stack.repoRoot, '.data');
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/smart_dairy';
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const adminKey = localAdminKey(join(dataDir, 'admin-api-key'));
const env: NodeJS.ProcessEnv = {
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  KAFKA_BROKERS: brokers,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  ADMIN_API_KEY: adminKey,
};

// The services read the same KAFKA_TLS* and KAFKA_SASL_* variables from this environment.
let security: ReturnType<typeof config.kafkaSecurityFromEnv>;
try {
  security = config.kafkaSecurityFromEnv('the local stack', { ...process.env, NODE_ENV: 'development' });
} catch (error) {
  console.error((error as Error).message);
  process.exit(78);
}

const startedAt = performance.now();
// The local broker is plaintext: with TLS or SASL settings, the stack is meant for a secured broker elsewhere.
const startedKafka = !security.tls && !security.sasl && !kafkaBroker.isRunning();
if (startedKafka) kafkaBroker.start();

const applied = await prepareDatabase(databaseUrl);
console.log(`database ready (${applied.length} migration(s) applied)`);

// One compact line per log record: "[service] level message"; the demo receiver prints plain lines.
const printer = (name: string) => (line: string) => {
  try {
    const record = JSON.parse(line) as { level?: string; msg?: string };
    console.log(`[${name}] ${record.level ?? ''} ${record.msg ?? line}`);
  } catch {
    console.log(`[${name}] ${line}`);
  }
};

const secretFile = join(dataDir, 'demo-receiver-secret');
const services = [
  ...SERVICES.map(
    (name) => new ServiceProcess(name, { port: DEFAULT_PORTS[name], env, onLine: printer(name) }),
  ),
  new ServiceProcess('demo-receiver', {
    port: DEFAULT_PORTS['demo-receiver'],
    env: {
      ...env,
      DEMO_RECEIVER_PORT: String(DEFAULT_PORTS['demo-receiver']),
      DEMO_RECEIVER_SECRETS_FILE: secretFile,
    },
    onLine: printer('demo-receiver'),
    readyPath: '/health',
  }),
].map((s) => s.start());

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('stopping services...');
    await Promise.all(services.map((s) => s.stop('SIGTERM')));
    if (startedKafka) kafkaBroker.stop();
    console.log('stopped');
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await Promise.all(services.map((s) => s.waitUntilReady()));
  const url = (name: keyof typeof DEFAULT_PORTS) => `http://127.0.0.1:${DEFAULT_PORTS[name]}`;
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(`\nall four services ready in ${seconds} s`);
  for (const service of services) console.log(`  ${service.name.padEnd(14)} ${service.url}`);

  const demo = await ensureDemoSubscription({
    apiUrl: url('subscriptions'),
    adminKey,
    receiverUrl: `${url('demo-receiver')}/webhooks`,
    // Per database, so stacks on different databases (a test's, say) keep their own demo subscription.
    stateFile: join(dataDir, `demo-subscription.${new URL(databaseUrl).pathname.slice(1)}.json`),
    secretFile,
  });
  const published = await publishSamples(brokers.split(','), process.env.KAFKA_TOPIC_PREFIX, security);
  console.log(`
demo subscription ${demo.id} receives every event type at ${url('demo-receiver')}/webhooks
published ${published} sample events: watch the [demo-receiver] lines for verified deliveries

  admin API key   ${adminKey}
  API docs        ${url('subscriptions')}/docs
  DLQ console     ${url('dlq-review')}/
  try             curl -H "Authorization: Bearer ${adminKey}" ${url('subscriptions')}/v1/stats

Press Ctrl-C to stop everything.`);
} catch (error) {
  console.error((error as Error).message);
  await shutdown(1);
}
