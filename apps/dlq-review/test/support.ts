import { generateApiKey } from '@smart-dairy/api-auth';
import { ApiKeyScope, type PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import { deadLetterCodec, type AttemptRecord, type DeadLetter } from '@smart-dairy/messages';
import { EVENT_CATALOG, type EventType } from '@smart-dairy/schemas';
import { newDeliveryId } from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';

/** An API key of each scope the review API distinguishes. */
export async function createApiKeys(
  prisma: PrismaService,
  label: string,
): Promise<Record<'admin' | 'read', string>> {
  const keys = { admin: '', read: '' };
  for (const scope of [ApiKeyScope.admin, ApiKeyScope.read] as const) {
    const { key, prefix, hash } = generateApiKey();
    await prisma.apiKey.create({
      data: { id: `key_${randomBytes(16).toString('hex')}`, name: `${label}-${scope}`, prefix, hash, scope },
    });
    keys[scope] = key;
  }
  return keys;
}

export { newDeliveryId };
export const entryIdOf = (deliveryId: string) => `dlq_${deliveryId.slice(3)}`;

export function failedAttempt(attempt: number, at: Date, statusCode = 404): AttemptRecord {
  return {
    attempt,
    statusCode,
    errorClass: `http_${statusCode}`,
    error: `HTTP ${statusCode}`,
    latencyMs: 7,
    responseBody: 'no such hook',
    startedAt: at.toISOString(),
    finishedAt: new Date(at.getTime() + 7).toISOString(),
  };
}

/** A dead letter as the dispatcher publishes it, with `attempts` failed attempts before `movedAt`. */
export function deadLetter(
  overrides: Partial<DeadLetter> & { subscriptionId: string },
  attempts = 1,
): DeadLetter {
  const eventType = (overrides.eventType ?? 'order.created') as EventType;
  const movedAt = overrides.movedAt ?? new Date().toISOString();
  const statusCode = Number(/^http_(\d{3})$/.exec(overrides.errorClass ?? 'http_404')?.[1] ?? 404);
  const history = Array.from({ length: attempts }, (_, i) =>
    failedAttempt(i + 1, new Date(Date.parse(movedAt) - (attempts - i) * 1_000), statusCode),
  );
  return {
    deliveryId: newDeliveryId(),
    eventId: `evt_${randomBytes(8).toString('hex')}`,
    eventType,
    priority: 'high',
    occurredAt: '2026-03-02T06:00:00Z',
    data: EVENT_CATALOG[eventType]?.sample ?? { note: 'unknown type' },
    reason: 'terminal',
    errorClass: 'http_404',
    finalError: 'HTTP 404',
    history,
    movedAt,
    ...overrides,
  };
}

export async function publishDeadLetters(kafka: KafkaClient, letters: readonly DeadLetter[]): Promise<void> {
  await kafka.producer.send({
    topic: kafka.topic(INTERNAL_TOPICS.deadLetter),
    messages: letters.map((letter) => ({
      key: letter.subscriptionId,
      value: deadLetterCodec.encode(letter),
    })),
  });
}

/** Calls the service's API with a key; the body is parsed whatever the status. */
export function apiClient(baseUrl: string) {
  return async <T = Record<string, unknown>>(
    key: string | undefined,
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ status: number; type: string | null; body: T }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as T,
    };
  };
}
