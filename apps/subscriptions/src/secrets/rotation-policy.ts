const DAY_MS = 86_400_000;

/** A signing secret should be rotated once it is older than the period (docs/protocol.md#secret-rotation). */
export class RotationPolicy {
  private readonly periodMs: number;

  constructor(periodDays: number) {
    this.periodMs = periodDays * DAY_MS;
  }

  /** The current secret dates from its last rotation, or from the subscription's creation. */
  isDue(secret: { secretCreatedAt: Date; secretRotatedAt: Date | null }, now: Date): boolean {
    return (secret.secretRotatedAt ?? secret.secretCreatedAt).getTime() <= this.dueBefore(now).getTime();
  }

  /** Secrets made at or before this instant are due. */
  dueBefore(now: Date): Date {
    return new Date(now.getTime() - this.periodMs);
  }
}
