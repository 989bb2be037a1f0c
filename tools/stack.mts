// `npm start`: the whole platform on this machine. Starts the Kafka broker (unless one is
// already running), prepares the database, runs the four services from dist/ and stops
// everything it started on Ctrl-C.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const stack: typeof import('../libs/stack/src/index.ts') = require('../dist/libs/stack/src/index.js');
const { DEFAULT_PORTS, SERVICES, ServiceProcess, kafkaBroker, prepareDatabase } = stack;

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/smart_dairy';
const env: NodeJS.ProcessEnv = {
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};

const startedAt = performance.now();
const startedKafka = !kafkaBroker.isRunning();
if (startedKafka) kafkaBroker.start();

const applied = await prepareDatabase(databaseUrl);
console.log(`database ready (${applied.length} migration(s) applied)`);

// One compact line per log record: "[service] level message".
const printer = (name: string) => (line: string) => {
  try {
    const record = JSON.parse(line) as { level?: string; msg?: string };
    console.log(`[${name}] ${record.level ?? ''} ${record.msg ?? line}`);
  } catch {
    console.log(`[${name}] ${line}`);
  }
};

const services = SERVICES.map((name) =>
  new ServiceProcess(name, { port: DEFAULT_PORTS[name], env, onLine: printer(name) }).start(),
);

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
} catch (error) {
  console.error((error as Error).message);
  await shutdown(1);
}

const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
console.log(`\nall four services ready in ${seconds} s`);
for (const service of services) console.log(`  ${service.name.padEnd(14)} ${service.url}`);
console.log('Press Ctrl-C to stop everything.');
