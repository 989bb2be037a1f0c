import {
  assignEventId,
  buildEnvelope,
  deliveryIdFor,
  envelopeBytes,
  signedDeliveryHeaders,
  type DeliveryEnvelope,
  type EventData,
  type EventType,
} from '@smart-dairy/schemas';
import { DEFAULT_SIGNATURE_SCHEME, type SignatureScheme } from '@smart-dairy/signing';

/** The `webhook_id` of test deliveries sent without `--subscription`. */
export const TEST_SUBSCRIPTION_ID = 'wh_sub_test';

export interface TestDeliveryInput<T extends EventType> {
  readonly event: T;
  readonly data: EventData<T>;
  /** `data` as written, sent byte for byte as the platform sends a producer's; `JSON.stringify(data)` by default. */
  readonly dataJson?: string;
  readonly secret: string;
  /** How the delivery is signed; the platform's own scheme by default. */
  readonly scheme?: SignatureScheme;
  /** Defaults to a fresh id of the form the platform sends (`wh_` and 32 hex digits). */
  readonly deliveryId?: string;
  readonly subscriptionId?: string;
  readonly attempt?: number;
  /** Event time and signing time; defaults to now. */
  readonly now?: Date;
}

/** A delivery as the dispatcher sends it: the envelope, its exact bytes and the headers signed over them. */
export interface SignedDelivery {
  readonly envelope: DeliveryEnvelope;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export function buildTestDelivery<T extends EventType>({
  event,
  data,
  dataJson = JSON.stringify(data),
  secret,
  scheme = DEFAULT_SIGNATURE_SCHEME,
  subscriptionId = TEST_SUBSCRIPTION_ID,
  deliveryId = deliveryIdFor({ type: event, id: assignEventId() }, subscriptionId),
  attempt = 1,
  now = new Date(),
}: TestDeliveryInput<T>): SignedDelivery {
  const timestamp = now.toISOString();
  const envelope = buildEnvelope<EventType>({ deliveryId, event, timestamp, subscriptionId, attempt, data });
  const body = envelopeBytes({ deliveryId, event, timestamp, subscriptionId, attempt, dataJson });
  const signedAt = Math.floor(now.getTime() / 1000);
  const headers = signedDeliveryHeaders({
    scheme,
    secrets: [secret],
    deliveryId,
    eventType: event,
    timestamp: signedAt,
    body,
  });
  return { envelope, body, headers };
}
