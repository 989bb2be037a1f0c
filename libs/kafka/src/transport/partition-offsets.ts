/**
 * Offsets of one partition whose messages complete out of order. Only the offset below which
 * every message is finished may be committed, so a crash never skips unfinished work.
 */
export class PartitionOffsets {
  private readonly pending = new Set<bigint>();
  private highestSeen: bigint | undefined;
  private lastCommitted: string | undefined;

  get inFlight(): number {
    return this.pending.size;
  }

  /** True while the offset is tracked and not yet complete. */
  isPending(offset: string): boolean {
    return this.pending.has(BigInt(offset));
  }

  track(offset: string): void {
    const value = BigInt(offset);
    this.pending.add(value);
    if (this.highestSeen === undefined || value > this.highestSeen) this.highestSeen = value;
  }

  /** False when the offset was not in flight (already completed, or never tracked). */
  complete(offset: string): boolean {
    return this.pending.delete(BigInt(offset));
  }

  /**
   * Gives up offsets tracked by a batch that is abandoned (its partition went elsewhere, or the consumer
   * stops). A batch is always the newest work of its partition, so the commit point moves back to its
   * first offset: the next owner reads them again.
   */
  untrack(offsets: readonly string[]): void {
    if (offsets.length === 0) return;
    let first: bigint | undefined;
    for (const offset of offsets) {
      const value = BigInt(offset);
      this.pending.delete(value);
      if (first === undefined || value < first) first = value;
    }
    if (first !== undefined && this.highestSeen !== undefined && this.highestSeen >= first) {
      this.highestSeen = first - 1n;
    }
  }

  /** After a failed commit: report the same offset again next time. */
  commitFailed(): void {
    this.lastCommitted = undefined;
  }

  /** The next offset to commit (Kafka's "next message to read"), or undefined if nothing changed. */
  takeCommittable(): string | undefined {
    if (this.highestSeen === undefined) return undefined;
    let lowestPending: bigint | undefined;
    for (const offset of this.pending)
      if (lowestPending === undefined || offset < lowestPending) lowestPending = offset;
    const next = (lowestPending ?? this.highestSeen + 1n).toString();
    if (next === this.lastCommitted) return undefined;
    this.lastCommitted = next;
    return next;
  }
}
