import { generateApiKey } from '@smart-dairy/api-auth';
import { ApiKeyScope, type PrismaService } from '@smart-dairy/db';
import { CATEGORY_TOPICS, INTERNAL_TOPICS } from '@smart-dairy/kafka';
import { invalidEventCodec } from '@smart-dairy/messages';
import type { EventType } from '@smart-dairy/schemas';
import { waitFor } from '@smart-dairy/stack';
import { TopicReader } from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';
import { readyStatus, type ChaosStack } from '../chaos-stack';
import { nth, sleep } from '../util';
import { fuzzRequest, poisonMessage, type FuzzRequest } from '../poison';
import { CHAOS_MODE, type Measurements } from '../report';
import { STANDARD_ENDPOINTS, standardLoad, type Scenario } from './scenario';

const DURATION_MS = CHAOS_MODE === 'full' ? 40_000 : 25_000;
const POISON_PER_TOPIC = CHAOS_MODE === 'full' ? 1_000 : 300;
const FUZZ_REQUESTS = CHAOS_MODE === 'full' ? 3_000 : 1_000;
const FUZZ_CONCURRENCY = 8;
const STEP_MS = 250;
const CATEGORIES = Object.keys(CATEGORY_TOPICS) as (keyof typeof CATEGORY_TOPICS)[];

/**
 * Scenario 6: malformed messages on every category topic and random requests on every route of both
 * services, interleaved with the valid load. Every malformed message must be quarantined on
 * events.invalid, no request may get a 5xx (but 503 from /ready, which is its answer for "not now"),
 * no service may fall over, and the valid traffic, including events accepted over HTTP, is delivered.
 */
export const poisonInput: Scenario = {
  name: 's6-poison',
  title: 'scenario 6: malformed messages and random HTTP requests among valid traffic',
  stack: {
    label: 'poison',
    endpoints: STANDARD_ENDPOINTS,
    env: { API_RATE_LIMIT_PER_SECOND: '1000000', API_RATE_LIMIT_BURST: '1000000' },
  },
  settleMs: 120_000,
  async run(stack: ChaosStack): Promise<Measurements> {
    const keys = await apiKeys(stack.prisma);
    const invalid = await new TopicReader(stack.kafka, [INTERNAL_TOPICS.invalid]).start();
    try {
      const { load } = standardLoad(stack, DURATION_MS);
      const [poisonKeys, http] = await Promise.all([sendPoison(stack), fuzzHttp(stack, keys)]);
      await load;
      const quarantined = () =>
        new Set(
          invalid.values((v) => {
            const decoded = invalidEventCodec.decode(v);
            if (!decoded.ok) throw new Error(`unreadable quarantine record: ${decoded.error}`);
            return decoded.value.key;
          }),
        );
      await waitFor(
        () => {
          const found = quarantined();
          return poisonKeys.every((k) => found.has(k));
        },
        {
          timeoutMs: 120_000,
          intervalMs: 500,
          description: 'every malformed message quarantined',
        },
      ).catch(() => undefined);
      const found = quarantined();
      const ready = await Promise.all(stack.services.map((s) => readyStatus(s)));
      return {
        'poison-sent': poisonKeys.length,
        'poison-not-quarantined': poisonKeys.filter((k) => !found.has(k)).length,
        'http-requests': http.requests,
        'http-accepted': http.accepted,
        'http-5xx': http.serverErrors,
        'http-failed': http.failed,
        'services-not-ready-at-end': ready.filter((status) => status !== 200).length,
      };
    } finally {
      await invalid.stop();
    }
  },
  check(_stack, _ledger, measured) {
    expect({
      notQuarantined: measured['poison-not-quarantined'],
      serverErrors: measured['http-5xx'],
      failedRequests: measured['http-failed'],
      notReady: measured['services-not-ready-at-end'],
    }).toEqual({ notQuarantined: 0, serverErrors: 0, failedRequests: 0, notReady: 0 });
  },
};

async function apiKeys(prisma: PrismaService): Promise<{ producer: string; read: string }> {
  const keys = { producer: '', read: '' };
  for (const scope of [ApiKeyScope.producer, ApiKeyScope.read] as const) {
    const { key, prefix, hash } = generateApiKey();
    await prisma.apiKey.create({
      data: { id: `key_${randomBytes(16).toString('hex')}`, name: `chaos-${scope}`, prefix, hash, scope },
    });
    keys[scope] = key;
  }
  return keys;
}

/** Spreads the malformed messages over the load's duration, a slice on every category topic per step. */
async function sendPoison(stack: ChaosStack): Promise<string[]> {
  const steps = DURATION_MS / STEP_MS;
  const perStep = Math.ceil(POISON_PER_TOPIC / steps);
  const keys: string[] = [];
  for (let sent = 0; sent < POISON_PER_TOPIC; sent += perStep) {
    const count = Math.min(perStep, POISON_PER_TOPIC - sent);
    const topicMessages = CATEGORIES.map((category) => {
      const messages = Array.from({ length: count }, (_, i) =>
        poisonMessage(category, sent + i, `poison-${stack.prefix}`),
      );
      keys.push(...messages.map((m) => m.key));
      return { topic: stack.kafka.topic(CATEGORY_TOPICS[category]), messages };
    });
    await stack.kafka.producer.sendBatch({ topicMessages });
    await sleep(STEP_MS);
  }
  return keys;
}

interface FuzzOutcome {
  requests: number;
  accepted: number;
  serverErrors: number;
  failed: number;
}

/** Random requests at both services from a few concurrent callers; accepted events are owed. */
async function fuzzHttp(stack: ChaosStack, keys: { producer: string; read: string }): Promise<FuzzOutcome> {
  const outcome: FuzzOutcome = { requests: 0, accepted: 0, serverErrors: 0, failed: 0 };
  const deadline = Date.now() + DURATION_MS;
  let broken = false;
  const caller = async () => {
    while (!broken && outcome.requests < FUZZ_REQUESTS && Date.now() < deadline) {
      const n = outcome.requests++;
      const service = nth(stack.services, n);
      let request: FuzzRequest;
      try {
        request = fuzzRequest(Math.random, keys, stack.eventId(`http-${n}`));
      } catch (error) {
        // A bug of the generator: the other callers stop too, instead of outliving the stack.
        broken = true;
        throw error;
      }
      try {
        const res = await fetch(`${service.url}${request.path}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        if (res.status >= 500 && !(request.path === '/ready' && res.status === 503)) {
          outcome.serverErrors++;
          process.stdout.write(`${service.name} ${request.method} ${request.path} → ${res.status} ${text}\n`);
        }
        if (res.status === 202) {
          const { id, event } = JSON.parse(text) as { id: string; event: EventType };
          stack.owe([{ id, type: event }]);
          outcome.accepted++;
        }
      } catch (error) {
        outcome.failed++;
        process.stdout.write(`${service.name} ${request.method} ${request.path} failed: ${String(error)}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: FUZZ_CONCURRENCY }, caller));
  return outcome;
}
