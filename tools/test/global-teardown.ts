import { stack } from './stack-from-dist';

export default async function globalTeardown(): Promise<void> {
  if (process.env.SMART_DAIRY_TEST_STARTED_KAFKA === '1') stack.kafkaBroker.stop();
}
