import type { Problem } from '@smart-dairy/schemas';

/** Thrown by the publisher instead of sending an event ingestion would quarantine. Nothing was sent. */
export class EventRejectedError extends Error {
  override readonly name = 'EventRejectedError';

  constructor(
    /**
     * Every problem found. Paths point into the message (`data.items[0].quantity`); in a batch they start
     * with the event's index (`[2].data.total`).
     */
    readonly problems: readonly Problem[],
  ) {
    super(`event rejected: ${problems.map(describe).join('; ')}`);
  }
}

function describe({ path, message }: Problem): string {
  return path === '' ? message : `${path}: ${message}`;
}
