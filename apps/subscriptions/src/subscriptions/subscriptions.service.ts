import { Inject, Injectable } from '@nestjs/common';
import {
  DeliveryStatus,
  Prisma,
  PrismaService,
  SubscriptionStatus,
  type Subscription,
} from '@smart-dairy/db';
import { ProblemError } from '@smart-dairy/http-problem';
import { KafkaClient } from '@smart-dairy/kafka';
import { publishDeliveryTasks, type SubscriptionChange } from '@smart-dairy/messages';
import {
  EVENT_CATALOG,
  MATCH_ALL_FILTER,
  categoryOf,
  deliveryIdFor,
  matchesFilter,
  type EventType,
} from '@smart-dairy/schemas';
import { SecretCipher, sealHeaders } from '@smart-dairy/secret-crypto';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { DEFAULT_SIGNATURE_SCHEME, generateSecret } from '@smart-dairy/signing';
import { randomBytes } from 'node:crypto';
import { auditEntry } from '../audit/audit-entry';
import { BacklogRelease } from '../backlog/backlog-release.job';
import { BacklogStore, DISCARDED_BECAUSE } from '../backlog/backlog-store';
import { SUBSCRIPTIONS_CONFIG, type SubscriptionsConfig } from '../config';
import { pendingLeaseEnd } from '../deliveries/pending-lease';
import type { Actor } from '../http/actor';
import { NEWEST_FIRST, after, toPage, type Page } from '../http/pagination';
import { RotationPolicy } from '../secrets/rotation-policy';
import { ChangeAnnouncer } from './change-announcer';
import { headersToStore, sealedHeadersUpdate } from './custom-headers';
import { EndpointUrlPolicy } from './endpoint-url-policy';
import { filterTest } from './filter-test';
import { liveSubscription } from './live-subscription';
import { rotation, schemeChange } from './secret-changes';
import type {
  CreateSubscriptionInput,
  CreatedSubscriptionView,
  EnableSubscriptionInput,
  FilterTestInput,
  FilterTestView,
  ListSubscriptionsInput,
  SecretView,
  SubscriptionView,
  TestDeliveryView,
  UpdateSubscriptionInput,
  UpdatedSubscriptionView,
} from './subscription.schemas';
import { previousSecretExpiry, schemeOf, secretView, subscriptionView } from './subscription-view';

type Change = SubscriptionChange['change'];

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
    private readonly urls: EndpointUrlPolicy,
    private readonly rotation: RotationPolicy,
    private readonly announcer: ChangeAnnouncer,
    private readonly kafka: KafkaClient,
    private readonly backlog: BacklogStore,
    private readonly backlogRelease: BacklogRelease,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(input: CreateSubscriptionInput, actor: Actor): Promise<CreatedSubscriptionView> {
    const url = this.urls.normalize(input.url);
    const id = `wh_sub_${randomBytes(12).toString('hex')}`;
    const scheme = input.signature_scheme ?? DEFAULT_SIGNATURE_SCHEME;
    const secret = generateSecret(scheme);
    const headers = headersToStore(input.custom_headers ?? {}, () => []);
    const [row] = await this.prisma.$transaction([
      this.prisma.subscription.create({
        data: {
          id,
          url,
          events: input.events,
          description: input.description,
          metadata: input.metadata,
          rateLimitPerSecond: input.rate_limit_per_second,
          filter: input.filter,
          ordering: input.ordering,
          secretCiphertext: this.cipher.encrypt(secret, { subscriptionId: id, slot: 'current' }),
          signatureScheme: scheme,
          customHeaders: sealHeaders(this.cipher, id, headers),
        },
      }),
      this.prisma.auditLogEntry.create({
        // Header names only: their values may be credentials.
        data: auditEntry(actor, 'subscription.created', 'subscription', id, {
          events: input.events,
          ordering: input.ordering,
          signature_scheme: scheme,
          custom_headers: headers.map(([name]) => name),
        }),
      }),
    ]);
    this.logger.info({ subscriptionId: id, events: input.events }, 'subscription created');
    await this.announcer.announce(id, 'created');
    return { ...this.view(row), secret };
  }

  async list({ status, event_type, limit, cursor }: ListSubscriptionsInput): Promise<Page<SubscriptionView>> {
    const rows = await this.prisma.subscription.findMany({
      where: {
        deletedAt: null,
        status,
        ...(event_type && { events: { hasSome: filtersSelecting(event_type) } }),
        ...after(cursor),
      },
      orderBy: [...NEWEST_FIRST],
      take: limit + 1,
    });
    return toPage(rows, limit, (row) => this.view(row));
  }

  async get(id: string): Promise<SubscriptionView> {
    return this.view(await liveSubscription(this.prisma, id));
  }

  async update(id: string, input: UpdateSubscriptionInput, actor: Actor): Promise<UpdatedSubscriptionView> {
    const url = input.url === undefined ? undefined : this.urls.normalize(input.url);
    const issued: { secret?: string } = {};
    const row = await this.change(id, actor, 'updated', (current) => {
      const scheme = schemeChange(this.cipher, current, input.signature_scheme, new Date());
      issued.secret = scheme.newSecret;
      return {
        url,
        events: input.events,
        description: input.description,
        metadata: input.metadata,
        rateLimitPerSecond: input.rate_limit_per_second,
        ordering: input.ordering,
        filter: input.filter === null ? Prisma.DbNull : input.filter,
        customHeaders: sealedHeadersUpdate(this.cipher, current, input.custom_headers),
        ...scheme.update,
      };
    });
    return {
      ...this.view(row),
      secret_rotated: issued.secret !== undefined,
      ...(issued.secret !== undefined && { secret: issued.secret }),
    };
  }

  /** Its waiting deliveries are discarded after it is gone (BacklogRelease). */
  async remove(id: string, actor: Actor): Promise<void> {
    await this.change(
      id,
      actor,
      'deleted',
      () => ({ deletedAt: new Date() }),
      async (tx) => {
        await this.backlog.markDue(tx, id);
        return {};
      },
    );
    this.backlogRelease.wake();
  }

  async disable(id: string, reason: string | undefined, actor: Actor): Promise<SubscriptionView> {
    const row = await this.change(id, actor, 'disabled', (current) =>
      current.status === SubscriptionStatus.disabled
        ? {}
        : {
            status: SubscriptionStatus.disabled,
            disabledReason: reason ?? `disabled by ${actor.name}`,
            disabledAt: new Date(),
          },
    );
    return this.view(row);
  }

  /**
   * The deliveries that waited while it was disabled are then sent in order of arrival (BacklogRelease), or
   * discarded. Discarding goes in batches while it is still disabled, so none of them can be released
   * meanwhile; the last few, made since, go in the transaction that enables it, after which ingestion
   * makes no more (EventStore.storeDeliveries).
   */
  async enable(
    id: string,
    { discard_backlog }: EnableSubscriptionInput,
    actor: Actor,
  ): Promise<SubscriptionView> {
    await liveSubscription(this.prisma, id);
    const discardedBefore = discard_backlog
      ? await this.backlog.discardInBatches(id, DISCARDED_BECAUSE.enabled)
      : 0;
    // A fresh start: failingSince would otherwise count the old failures against the endpoint again.
    const row = await this.change(
      id,
      actor,
      'enabled',
      () => ({
        status: SubscriptionStatus.active,
        disabledReason: null,
        disabledAt: null,
        failingSince: null,
      }),
      async (tx) => {
        await this.backlog.markDue(tx, id);
        if (!discard_backlog) return {};
        const discarded = discardedBefore + (await this.backlog.discard(tx, id, DISCARDED_BECAUSE.enabled));
        return { discard_backlog: true, discarded };
      },
    );
    this.backlogRelease.wake();
    return this.view(row);
  }

  async secret(id: string, actor: Actor): Promise<SecretView> {
    const row = await liveSubscription(this.prisma, id);
    await this.prisma.auditLogEntry.create({
      data: auditEntry(actor, 'subscription.secret_viewed', 'subscription', id),
    });
    return this.secretView(row);
  }

  async rotateSecret(id: string, graceSeconds: number, actor: Actor): Promise<SecretView> {
    const now = new Date();
    const row = await this.change(
      id,
      actor,
      'secret_rotated',
      (current) => rotation(this.cipher, current, schemeOf(current), graceSeconds, now).update,
      { grace_period_seconds: graceSeconds },
    );
    return this.secretView(row);
  }

  /**
   * Publishes the catalog sample of the type as a new event, so it travels the whole pipeline
   * (ingestion, dispatcher, delivery log) like any other; its delivery id is known in advance.
   */
  async sendTest(id: string, type: EventType, actor: Actor): Promise<TestDeliveryView> {
    const row = await liveSubscription(this.prisma, id);
    if (row.status !== SubscriptionStatus.active) {
      throw new ProblemError('conflict', 'The subscription is disabled: enable it before testing it.');
    }
    if (!row.events.some((filter) => matchesFilter(filter, type))) {
      throw new ProblemError('conflict', `The subscription does not receive ${type} events.`);
    }
    // Only this subscription gets the test: the event and its one delivery are written here and
    // handed straight to the dispatcher, never published where ingestion would fan it out.
    const eventId = `evt_test_${randomBytes(12).toString('hex')}`;
    const deliveryId = deliveryIdFor({ type, id: eventId }, id);
    const occurredAt = new Date();
    const data = EVENT_CATALOG[type].sample as Record<string, unknown>;
    const priority = EVENT_CATALOG[type].priority;
    await this.prisma.$transaction([
      this.prisma.event.create({
        data: {
          category: categoryOf(type),
          id: eventId,
          type,
          occurredAt,
          // The platform is this event's producer: its writing of the sample is what the delivery sends.
          occurredAtText: occurredAt.toISOString(),
          data: data as Prisma.InputJsonObject,
          dataJson: JSON.stringify(data),
          sourceTopic: 'api:subscription-test',
          sourcePartition: 0,
          sourceOffset: '0',
        },
      }),
      this.prisma.delivery.create({
        data: {
          id: deliveryId,
          eventCategory: categoryOf(type),
          eventId,
          subscriptionId: id,
          eventType: type,
          priority,
          status: DeliveryStatus.pending,
          nextAttemptAt: pendingLeaseEnd(this.config),
        },
      }),
      this.prisma.auditLogEntry.create({
        data: auditEntry(actor, 'subscription.tested', 'subscription', id, {
          event: type,
          event_id: eventId,
          delivery_id: deliveryId,
        }),
      }),
    ]);
    await publishDeliveryTasks(this.kafka, [{ deliveryId, subscriptionId: id, priority }]);
    return { delivery_id: deliveryId, event_id: eventId, event: type };
  }

  /** Whether an event like this one would reach the subscription, and what keeps it out; nothing is sent. */
  async testFilter(id: string, { event, data }: FilterTestInput): Promise<FilterTestView> {
    const row = await liveSubscription(this.prisma, id);
    return filterTest(row, { event, data: data ?? EVENT_CATALOG[event].sample });
  }

  /**
   * Applies a change and its audit row in one transaction, then announces it; a change that
   * changes nothing is neither recorded nor announced. The update is conditional on the row
   * being unchanged since it was read, so concurrent changes cannot silently overwrite each
   * other (the loser gets 409 and can retry). `details` may be a step of the transaction, after the
   * update, that returns them.
   */
  private async change(
    id: string,
    actor: Actor,
    change: Change,
    data: (current: Subscription) => Prisma.SubscriptionUpdateManyMutationInput,
    details:
      Prisma.InputJsonObject | ((tx: Prisma.TransactionClient) => Promise<Prisma.InputJsonObject>) = {},
  ): Promise<Subscription> {
    const { row, changed } = await this.prisma.$transaction(async (tx) => {
      const current = await liveSubscription(tx, id);
      const update = data(current);
      const fields = Object.keys(update).filter((k) => update[k as keyof typeof update] !== undefined);
      if (fields.length === 0) return { row: current, changed: false };
      const { count } = await tx.subscription.updateMany({
        where: { id, deletedAt: null, updatedAt: current.updatedAt },
        data: update,
      });
      if (count === 0) {
        throw new ProblemError('conflict', 'The subscription was changed concurrently; try again.');
      }
      const more = typeof details === 'function' ? await details(tx) : details;
      await tx.auditLogEntry.create({
        data: auditEntry(actor, `subscription.${change}`, 'subscription', id, { ...more, fields }),
      });
      return { row: await tx.subscription.findUniqueOrThrow({ where: { id } }), changed: true };
    });
    if (changed) {
      this.logger.info({ subscriptionId: id, change }, `subscription ${change}`);
      await this.announcer.announce(id, change);
    }
    return row;
  }

  private view(row: Subscription): SubscriptionView {
    const now = new Date();
    return subscriptionView(row, this.rotation.isDue(row, now), now);
  }

  private secretView(row: Subscription): SecretView {
    const now = new Date();
    const previous = previousSecretExpiry(row, now) && row.previousSecretCiphertext;
    return secretView(
      row,
      {
        current: this.cipher.decrypt(row.secretCiphertext, { subscriptionId: row.id, slot: 'current' }),
        previous: previous
          ? this.cipher.decrypt(previous, { subscriptionId: row.id, slot: 'previous' })
          : null,
      },
      this.rotation.isDue(row, now),
      now,
    );
  }
}

/** The stored filters that can select an event type: the type itself, its category wildcard, `*`. */
function filtersSelecting(type: EventType): string[] {
  return [type, `${categoryOf(type)}.*`, MATCH_ALL_FILTER].filter((filter) => matchesFilter(filter, type));
}
