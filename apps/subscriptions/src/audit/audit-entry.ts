import type { Prisma } from '@smart-dairy/db';
import type { Actor } from '../http/actor';

export type AuditTarget = 'subscription' | 'api_key' | 'delivery';

/**
 * An audit log row: who (the API key), what (`subscription.created`, ...), on which target, when
 * (the row's created_at). `details` must never carry a secret or an API key.
 */
export function auditEntry(
  actor: Actor,
  action: string,
  targetType: AuditTarget,
  targetId: string,
  details: Prisma.InputJsonObject = {},
): Prisma.AuditLogEntryCreateManyInput {
  return { actorKeyId: actor.keyId, actorName: actor.name, action, targetType, targetId, details };
}
