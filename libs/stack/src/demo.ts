import type { KafkaSecurity } from '@smart-dairy/config';
import { EventPublisher, type EventToPublish } from '@smart-dairy/producer';
import { BUSINESS_EVENT_TYPES, EVENT_CATALOG } from '@smart-dairy/schemas';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';

/** The local stack's admin key: ADMIN_API_KEY if set, else one generated once and kept in the data folder. */
export function localAdminKey(file: string): string {
  if (process.env.ADMIN_API_KEY) return process.env.ADMIN_API_KEY;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = `sdk_local_${randomBytes(24).toString('base64url')}`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

interface DemoSubscription {
  id: string;
  secret: string;
}

async function api<T>(
  method: string,
  url: string,
  adminKey: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * The demo subscription to every business event type, pointing at the demo receiver: created
 * through the admin API on the first start, reused afterwards; its secret goes to the file
 * the demo receiver reads.
 */
export async function ensureDemoSubscription(options: {
  apiUrl: string;
  adminKey: string;
  receiverUrl: string;
  stateFile: string;
  secretFile: string;
}): Promise<DemoSubscription> {
  const { apiUrl, adminKey, receiverUrl, stateFile, secretFile } = options;
  let subscription: DemoSubscription | undefined;
  if (existsSync(stateFile)) {
    const { id } = JSON.parse(readFileSync(stateFile, 'utf8')) as { id: string };
    const found = await api<{ secret: string }>('GET', `${apiUrl}/v1/subscriptions/${id}/secret`, adminKey);
    if (found.status === 200) subscription = { id, secret: found.body.secret };
  }
  if (!subscription) {
    const created = await api<{ id: string; secret: string; detail?: string }>(
      'POST',
      `${apiUrl}/v1/subscriptions`,
      adminKey,
      { url: receiverUrl, events: ['*'], description: 'Demo receiver of the local stack' },
    );
    if (created.status !== 201)
      throw new Error(`could not create the demo subscription: ${created.body.detail}`);
    subscription = { id: created.body.id, secret: created.body.secret };
    writeFileSync(stateFile, JSON.stringify({ id: subscription.id }));
  }
  writeFileSync(secretFile, subscription.secret, { mode: 0o600 });
  return subscription;
}

/** One sample event of every business type, through the producers' client. */
export async function publishSamples(
  brokers: string[],
  topicPrefix = '',
  security?: KafkaSecurity,
): Promise<number> {
  const publisher = await EventPublisher.connect({
    brokers,
    clientId: 'smart-dairy-demo',
    topicPrefix,
    security,
    logger: pino({ level: 'error' }),
  });
  try {
    await publisher.publishMany(
      // Each sample belongs to its own type; TypeScript cannot correlate the two through the map.
      BUSINESS_EVENT_TYPES.map((type) => ({ type, data: EVENT_CATALOG[type].sample }) as EventToPublish),
    );
    return BUSINESS_EVENT_TYPES.length;
  } finally {
    await publisher.close();
  }
}
