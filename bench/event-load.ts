import type { EventPublisher } from '@smart-dairy/producer';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_EVENT_TYPE, orderPayload } from './payload.ts';

const BURST_BATCH = 500;
const PACE_TICK_MS = 10;
const PROBE_EVERY_MS = 250;

/**
 * Publishes a scenario's events through the producer library, as a producer service would, and
 * remembers when each was handed to it: latencies run from there to the verified receipt.
 */
export class EventLoad {
  /** performance.now() at publish, by order id. */
  readonly publishedAt = new Map<string, number>();
  private probes = 0;
  private readonly publisher: EventPublisher;
  /** Makes order ids unique to the run and scenario. */
  private readonly tag: string;

  constructor(publisher: EventPublisher, tag: string) {
    this.publisher = publisher;
    this.tag = tag;
  }

  /** `count` events as fast as the producer takes them, in batches of one produce request each. */
  async burst(count: number): Promise<void> {
    for (let from = 0; from < count; from += BURST_BATCH) {
      await this.publish(from, Math.min(count, from + BURST_BATCH));
    }
  }

  /** A steady rate for `durationMs`: each tick publishes what is due, catching up if a tick ran late. */
  async paced(perSecond: number, durationMs: number): Promise<void> {
    const total = Math.round((perSecond * durationMs) / 1000);
    const started = performance.now();
    const giveUpAt = started + 2 * durationMs + 10_000;
    let sent = 0;
    while (sent < total && performance.now() < giveUpAt) {
      const due = Math.min(total, Math.floor(((performance.now() - started) * perSecond) / 1000) + 1);
      if (due > sent) {
        await this.publish(sent, due);
        sent = due;
      }
      await sleep(PACE_TICK_MS);
    }
  }

  /**
   * Publishes a probe event now and then until `ready` holds: every subscription is then known to
   * ingestion and every connection warm. Probes are not part of any figure.
   */
  async probeUntil(ready: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!ready()) {
      if (performance.now() > deadline) throw new Error(`probe deliveries missing after ${timeoutMs} ms`);
      const orderId = `probe-${this.tag}-${this.probes++}`;
      await this.publisher.publishMany([this.event(orderId)]);
      await sleep(PROBE_EVERY_MS);
    }
  }

  orderId(index: number): string {
    return `${this.tag}-${index}`;
  }

  static isProbe(orderId: string): boolean {
    return orderId.startsWith('probe-');
  }

  private async publish(from: number, to: number): Promise<void> {
    const ids = Array.from({ length: to - from }, (_, i) => this.orderId(from + i));
    const at = performance.now();
    for (const id of ids) this.publishedAt.set(id, at);
    await this.publisher.publishMany(ids.map((id) => this.event(id)));
  }

  private event(orderId: string) {
    return {
      type: BENCH_EVENT_TYPE,
      data: orderPayload(orderId, new Date().toISOString()),
    } as const;
  }
}
