import { Inject, Injectable } from '@nestjs/common';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks } from '@smart-dairy/messages';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DeliveriesRepository, type DeliveryRow, type Wait } from '../deliveries/deliveries.repository';
import { OrderingMetrics } from './ordering-metrics';
import { waitsAmong } from './turns';

/**
 * The two moves of ordered delivery per key (docs/protocol.md#ordered-delivery), with Postgres as the only
 * state: a delivery whose key has an earlier delivery still open is parked behind it instead of sent, and a
 * delivery that ends lets the ones parked behind it go.
 */
@Injectable()
export class KeyOrdering {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly kafka: KafkaClient,
    private readonly metrics: OrderingMetrics,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Parks the deliveries among these rows that must wait for an earlier one of their key, and returns
   * their ids: their tasks are done, and the end of the one ahead brings them back.
   *
   * The one ahead may end between the lookup and the parking, and its release may look for waiters before
   * the parking is committed. So once parked, the ones ahead are looked at again: a wait behind one that
   * has ended is ended here, and that delivery looked up afresh with those not parked at all; it then
   * waits behind another, or goes. Either the release or this second look sees every wait, without locks
   * that concurrent batches could take in opposite orders. Each round needs a delivery to have ended, so
   * the rounds stop.
   */
  async holdBack(rows: ReadonlyMap<string, DeliveryRow>): Promise<Set<string>> {
    const held = new Set<string>();
    let waits = waitsAmong(rows.values());
    while (waits.length > 0) {
      const parked = await this.deliveries.park(waits);
      const taken = waits.filter((w) => parked.has(w.deliveryId));
      const ended = await this.deliveries.endedAmong(taken.map((w) => w.behind));
      const lapsed = taken.filter((w) => ended.has(w.behind));
      if (lapsed.length > 0) await this.endWaits(lapsed);
      for (const wait of taken) {
        if (ended.has(wait.behind)) continue;
        held.add(wait.deliveryId);
        this.logger.debug(
          { deliveryId: wait.deliveryId, waitingFor: wait.behind },
          'delivery waits for an earlier one of its key',
        );
      }
      this.metrics.holds.inc(taken.length - lapsed.length);
      const again = waits.filter((w) => !parked.has(w.deliveryId) || ended.has(w.behind));
      waits =
        again.length === 0
          ? []
          : waitsAmong((await this.deliveries.rows(again.map((w) => w.deliveryId))).values());
    }
    return held;
  }

  /**
   * Lets the deliveries waiting for these ended ones go: their tasks are published, then their waits end.
   * A crash in between leaves them waiting for an ended delivery, which the sweeper finds; a task published
   * twice is harmless (task-decision.ts). Returns how many went.
   */
  async release(ended: readonly string[]): Promise<number> {
    if (ended.length === 0) return 0;
    const waiters = await this.deliveries.waitersOf(ended);
    if (waiters.length === 0) return 0;
    await publishDeliveryTasks(this.kafka, waiters);
    await this.endWaits(waiters);
    return waiters.length;
  }

  private async endWaits(waits: readonly Wait[]): Promise<void> {
    const { SCHEDULER_CLAIM_TIMEOUT_MS, PENDING_DELIVERY_LEASE_MS } = this.settings.config;
    await this.deliveries.endWaits(waits, SCHEDULER_CLAIM_TIMEOUT_MS, PENDING_DELIVERY_LEASE_MS);
  }
}
