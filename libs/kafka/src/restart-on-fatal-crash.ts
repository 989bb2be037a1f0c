import type { Consumer, ConsumerRunConfig } from 'kafkajs';
import type { Logger } from 'pino';

const RESTART_DELAY_MS = 1_000;

/**
 * Makes a kafkajs consumer survive what kafkajs leaves to its caller:
 * - kafkajs starts a crashed consumer again only after retriable errors. Some that are not, such as
 *   "failed to find group coordinator" while the broker restarts, would leave the service running with a
 *   consumer that never reads again; such a consumer is connected and run again with the configuration it
 *   last ran with, until that succeeds or it is disconnected on purpose.
 * - Between a crash and its restart the consumer has no group, and `pause` and `resume` throw ("Consumer
 *   group was not initialized"). Callers use them from timers and completion callbacks, where a throw
 *   ends the process. A restarted consumer starts with nothing paused, so such a call has nothing to do:
 *   it is logged and dropped, and the caller pauses again when the next batch finds no room.
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
  for (const method of ['pause', 'resume'] as const) {
    const call = consumer[method].bind(consumer);
    consumer[method] = (topicPartitions) => {
      try {
        call(topicPartitions);
      } catch (error) {
        logger.warn(
          { err: error, topicPartitions },
          `consumer.${method} while the consumer restarts; skipped`,
        );
      }
    };
  }
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
