import type { Consumer, ConsumerRunConfig } from 'kafkajs';
import type { Logger } from 'pino';

const RESTART_DELAY_MS = 1_000;

/**
 * kafkajs starts a crashed consumer again only after retriable errors. Some that are not, such as
 * "failed to find group coordinator" while the broker restarts, would leave the service running with a
 * consumer that never reads again; such a consumer is connected and run again with the configuration it
 * last ran with, until that succeeds or it is disconnected on purpose.
 */
export function restartOnFatalCrash(consumer: Consumer, logger: Logger): Consumer {
  const run = consumer.run.bind(consumer);
  const disconnect = consumer.disconnect.bind(consumer);
  let config: ConsumerRunConfig | undefined;
  let disconnected = false;
  consumer.run = (runConfig) => {
    config = runConfig;
    return run(runConfig);
  };
  consumer.disconnect = () => {
    disconnected = true;
    return disconnect();
  };
  const restart = async (): Promise<void> => {
    if (disconnected || !config) return;
    try {
      await consumer.connect();
      await run(config);
    } catch (error) {
      logger.error({ err: error }, 'starting a stopped consumer again failed; trying again');
      setTimeout(() => void restart(), RESTART_DELAY_MS);
    }
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || disconnected) return;
    logger.error(
      { err: payload.error, groupId: payload.groupId },
      'kafkajs stopped the consumer for good; starting it again',
    );
    setTimeout(() => void restart(), RESTART_DELAY_MS);
  });
  return consumer;
}
