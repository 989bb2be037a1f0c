import type { ChaosStack } from '../chaos-stack';
import type { Measurements } from '../report';
import { STANDARD_ENDPOINTS, standardLoad, until, type Scenario } from './scenario';

const DURATION_MS = 45_000;
const KILL_AT_MS = 10_000;

/**
 * Scenario 7: two dispatchers share the consumer group; one is killed and not restarted. The survivor
 * must take over its partitions (measured: until every endpoint receives again) and lose nothing.
 */
export const scaleOut: Scenario = {
  name: 's7-scale-out',
  title: 'scenario 7: one of two dispatchers in a group is killed',
  stack: { label: 'scale', endpoints: STANDARD_ENDPOINTS, dispatchers: 2 },
  settleMs: 150_000,
  async run(stack: ChaosStack): Promise<Measurements> {
    const { start, load } = standardLoad(stack, DURATION_MS);
    await until(start, KILL_AT_MS);
    const killed = Date.now();
    await stack.stopService(stack.dispatcher(1), 'SIGKILL');
    const resumed = await Promise.all(
      STANDARD_ENDPOINTS.map((e) => stack.firstReceiptAfter(killed, 120_000, e.path)),
    );
    await load;
    return {
      'takeover-ms': Math.max(...resumed) - killed,
      'group-members-after': await groupMembers(stack),
    };
  },
  check(_stack, _ledger, measured) {
    expect(measured['group-members-after']).toBe(1);
  },
};

async function groupMembers(stack: ChaosStack): Promise<number> {
  const admin = stack.kafka.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([stack.kafka.groupId('dispatcher')]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}
