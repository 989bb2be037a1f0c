import { randomBytes } from 'node:crypto';
import { stack } from './stack-from-dist';

const { kafkaBroker, prepareDatabase } = stack;

export const TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/smart_dairy_test';

/**
 * Integration tests run against the real broker and database: start the broker unless one is
 * already up (a running `npm start` is reused), migrate the test database, and tell the
 * teardown whether the broker is ours to stop.
 */
export default async function globalSetup(): Promise<void> {
  // Names this run's suite databases, so that concurrent runs on one server never drop each other's.
  process.env.SMART_DAIRY_TEST_RUN = randomBytes(4).toString('hex');
  const startedKafka = !kafkaBroker.isRunning();
  if (startedKafka) kafkaBroker.start();
  process.env.SMART_DAIRY_TEST_STARTED_KAFKA = startedKafka ? '1' : '';
  process.env.DATABASE_URL = process.env.TEST_DATABASE_URL ?? TEST_DATABASE_URL;
  process.env.KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  await prepareDatabase(process.env.DATABASE_URL);
}
