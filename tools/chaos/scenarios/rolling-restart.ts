import { INTERNAL_TOPICS } from '@smart-dairy/kafka';
import { deliveryTaskCodec } from '@smart-dairy/messages';
import { TopicReader } from '@smart-dairy/testing';
import type { ChaosStack } from '../chaos-stack';
import type { Measurements } from '../report';
import { STANDARD_ENDPOINTS, standardLoad, until, type Scenario } from './scenario';

const DURATION_MS = 40_000;
const DELIVERY_TOPICS = [
  INTERNAL_TOPICS.deliveriesHigh,
  INTERNAL_TOPICS.deliveriesMedium,
  INTERNAL_TOPICS.deliveriesLow,
];

/**
 * Scenario 4: a rolling restart, SIGTERM to each service in turn under load. A graceful shutdown finishes
 * or hands back its in-flight work, so not a single delivery may arrive twice; and the dispatcher must
 * have committed every task it finished, or its successor reads them again (counted while it is down).
 */
export const rollingRestart: Scenario = {
  name: 's4-rolling-sigterm',
  title: 'scenario 4: SIGTERM each service in turn under load',
  stack: { label: 'term', endpoints: STANDARD_ENDPOINTS },
  settleMs: 120_000,
  duplicates: 0,
  async run(stack: ChaosStack): Promise<Measurements> {
    const tasks = await new TopicReader(stack.kafka, DELIVERY_TOPICS).start();
    try {
      const { start, load } = standardLoad(stack, DURATION_MS);
      const measured: Measurements = {};
      for (const [service, offset] of [
        [stack.ingestion, 8_000],
        [stack.dispatcher(), 20_000],
      ] as const) {
        await until(start, offset);
        const stopping = Date.now();
        await stack.stopService(service, 'SIGTERM');
        measured[`${service.name}-graceful-stop-ms`] = Date.now() - stopping;
        if (service.name === 'dispatcher')
          measured['finished-but-uncommitted'] = await uncommitted(stack, tasks);
        const starting = Date.now();
        await stack.launch(service);
        measured[`${service.name}-restart-to-ready-ms`] = Date.now() - starting;
      }
      await load;
      return measured;
    } finally {
      await tasks.stop();
    }
  },
  check(_stack, _ledger, measured) {
    expect(measured['finished-but-uncommitted']).toBe(0);
  },
};

/** Tasks of deliveries received so far whose offsets the stopped dispatcher's group has not committed. */
async function uncommitted(stack: ChaosStack, tasks: TopicReader): Promise<number> {
  const admin = stack.kafka.kafka.admin();
  await admin.connect();
  try {
    const committed = new Map<string, bigint>();
    for (const { topic, partitions } of await admin.fetchOffsets({
      groupId: stack.kafka.groupId('dispatcher'),
      topics: DELIVERY_TOPICS.map((t) => stack.kafka.topic(t)),
    })) {
      for (const p of partitions) committed.set(`${topic}:${p.partition}`, BigInt(p.offset));
    }
    const received = new Set(stack.receiver.received.map((r) => r.deliveryId));
    return tasks.messages.filter((m) => {
      const task = deliveryTaskCodec.decode(m.value);
      const at = committed.get(`${m.topic}:${m.partition}`) ?? -1n;
      return task.ok && received.has(task.value.deliveryId) && BigInt(m.offset) >= at;
    }).length;
  } finally {
    await admin.disconnect();
  }
}
