import { authenticatedKey } from '@smart-dairy/api-auth';
import type { Request } from 'express';

/** Who made a change, as the audit log records it. */
export interface Actor {
  /** Null for changes the service makes on its own, such as creating the bootstrap key. */
  readonly keyId: string | null;
  readonly name: string;
}

export function actorOf(request: Request): Actor {
  const key = authenticatedKey(request);
  return { keyId: key.id, name: key.name };
}
