import { Inject, Injectable } from '@nestjs/common';
import { envelopeBytes, signedDeliveryHeaders } from '@smart-dairy/schemas';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { activeSecrets } from '@smart-dairy/signing';
import type { Span, TraceContext } from '@smart-dairy/tracing';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import type { StoredDelivery } from '../deliveries/deliveries.repository';
import { DispatcherMetrics } from '../dispatcher-metrics';
import { EndpointBreakers } from '../endpoints/endpoint-breakers';
import type { Endpoint } from '../endpoints/endpoint-directory';
import type { EndpointSigning } from '../endpoints/endpoint-signing';
import { SubscriptionDisabler } from '../endpoints/subscription-disabler';
import { AttemptRecorder } from '../recording/attempt-recorder';
import type { AttemptWrite, NextState } from '../deliveries/attempt-write';
import { decideNext } from './attempt-decision';
import { attemptStatusLabels, secondsSinceEvent } from './attempt-metrics';
import { classifyAttempt } from './classify';
import { endAttemptSpan, recordNotSent, startAttemptSpan } from './delivery-spans';
import type { DeliveryState } from './task-decision';
import { WebhookSender, type SendResult } from './webhook-sender';

/** Resolves once the attempt's outcome is durable, i.e. when the delivery's offset may go. */
export interface RunResult {
  recorded: Promise<void>;
}

type TracedResult = SendResult & { span?: Span };

/**
 * One delivery, once: sign a fresh envelope of what Postgres holds (the delivery's `EventContent`), send
 * it through the endpoint's breaker and decide what comes next. It resolves as soon as the request is
 * over, so the endpoint's slot is free for the next delivery while the outcome is written in the next
 * batch. `trace` (from the task's headers) is the parent of its spans while tracing is on.
 */
@Injectable()
export class DeliveryRunner {
  constructor(
    private readonly sender: WebhookSender,
    private readonly breakers: EndpointBreakers,
    private readonly recorder: AttemptRecorder,
    private readonly disabler: SubscriptionDisabler,
    private readonly metrics: DispatcherMetrics,
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(
    delivery: StoredDelivery,
    state: DeliveryState,
    endpoint: Endpoint | null,
    trace?: TraceContext,
  ): Promise<RunResult> {
    // Plain fields rather than a child logger: pino serializes a child's bindings when it is made,
    // which would cost every delivery even when debug lines are not written.
    const ids = idsOf(delivery);
    if (!endpoint) {
      return this.park(
        delivery,
        state,
        { status: 'dead_lettered', reason: 'terminal', why: 'subscription_deleted' },
        'subscription_deleted',
        ids,
        trace,
      );
    }
    if (!endpoint.active || endpoint.signing === null) {
      const why = endpoint.signing === null ? 'secret_unavailable' : 'subscription_disabled';
      const recheckMs = this.settings.config.DISABLED_SUBSCRIPTION_RECHECK_MS;
      return this.parkFor(delivery, state, recheckMs, why, ids, trace);
    }
    const signing = endpoint.signing;
    const attempt = state.attemptCount + 1;
    const startedAt = new Date();
    const guarded = await this.breakers.send(
      delivery.subscriptionId,
      (r) => r.outcome.kind === 'response' && r.outcome.statusCode >= 200 && r.outcome.statusCode < 300,
      () => this.send(delivery, attempt, endpoint.url, signing, trace),
    );
    if (guarded.kind === 'refused') {
      return this.parkFor(delivery, state, guarded.retryInMs, 'breaker_open', ids, trace);
    }
    const result = guarded.result;
    const finishedAt = new Date();
    const classification = classifyAttempt(result.outcome, finishedAt);
    const decision = decideNext({
      classification,
      attempt,
      budgetBase: state.budgetBase,
      schedule: this.settings.retrySchedule,
      random: Math.random,
    });
    const next: NextState =
      decision.kind === 'delivered'
        ? { status: 'delivered' }
        : decision.kind === 'retry'
          ? { status: 'retrying', nextAttemptAt: new Date(finishedAt.getTime() + decision.delayMs) }
          : { status: 'dead_lettered', reason: decision.reason };
    if (classification.disableSubscription)
      await this.disableGone(delivery.subscriptionId, classification.errorClass);
    const statusCode = result.outcome.kind === 'response' ? result.outcome.statusCode : null;
    this.metrics.attemptDuration.observe({ outcome: next.status }, result.latencyMs / 1000);
    this.metrics.attempts.inc(attemptStatusLabels(result.outcome));
    if (next.status === 'delivered') {
      const seconds = secondsSinceEvent(delivery.event.timestamp, finishedAt);
      this.metrics.endToEndLatency.observe({ priority: delivery.priority }, seconds);
    }
    // Debug, with the delivery id to follow one delivery by; DispatcherSummary logs the totals at info.
    this.logger.debug(
      {
        ...ids,
        attempt,
        statusCode,
        errorClass: classification.errorClass,
        latencyMs: result.latencyMs,
        next: next.status,
      },
      'delivery attempt',
    );
    const write: AttemptWrite = {
      delivery,
      replayRequestedAt: state.replayRequestedAt,
      attemptCount: attempt,
      budgetBase: state.budgetBase,
      attempt: {
        number: attempt,
        statusCode,
        latencyMs: result.latencyMs,
        errorClass: classification.errorClass,
        error: result.error ?? (classification.errorClass ? describe(result) : null),
        responseBody: result.responseBody,
        startedAt,
        finishedAt,
      },
      next,
    };
    endAttemptSpan(result.span, write);
    return this.write(write);
  }

  /**
   * Not sent now (its endpoint has a backlog, or dispatching it failed unexpectedly): waits in Postgres,
   * its budget untouched, and the retry scheduler hands it out again.
   */
  defer(
    delivery: StoredDelivery,
    state: DeliveryState,
    trace: TraceContext | undefined,
    why = 'endpoint_backlog',
  ): RunResult {
    return this.parkFor(delivery, state, this.settings.config.BACKLOG_DEFER_MS, why, idsOf(delivery), trace);
  }

  /**
   * The endpoint said the subscription is gone. If disabling it fails (Postgres or Kafka away), the
   * attempt is still recorded, and the endpoint's next 410 disables it then.
   */
  private async disableGone(subscriptionId: string, errorClass: string | null): Promise<void> {
    try {
      await this.disabler.disable([subscriptionId], `endpoint answered ${errorClass}`);
    } catch (error) {
      this.logger.error({ err: error, subscriptionId }, 'disabling a gone subscription failed');
    }
  }

  private send(
    delivery: StoredDelivery,
    attempt: number,
    url: string,
    signing: EndpointSigning,
    trace: TraceContext | undefined,
  ): Promise<TracedResult> {
    const { event } = delivery;
    // The producer's bytes: every attempt, retry and replay differs in `attempt` alone.
    const body = envelopeBytes({
      deliveryId: delivery.deliveryId,
      event: event.eventType,
      timestamp: event.timestamp,
      subscriptionId: delivery.subscriptionId,
      attempt,
      dataJson: event.dataJson,
    });
    // A fresh signing time per attempt, so a retry an hour later is not "too old" for the receiver.
    const now = new Date();
    const timestamp = Math.floor(now.getTime() / 1000);
    // The custom headers go on every attempt, whatever brought it: first, retry, manual retry, replay, test.
    const headers = signedDeliveryHeaders({
      scheme: signing.scheme,
      secrets: activeSecrets(signing.secrets, now),
      deliveryId: delivery.deliveryId,
      eventType: event.eventType,
      timestamp,
      body,
      customHeaders: signing.customHeaders,
    });
    const span = startAttemptSpan(trace, delivery, attempt, url);
    const sending = this.sender.send(url, headers, body);
    return span ? sending.then((result) => ({ ...result, span })) : sending;
  }

  private parkFor(
    delivery: StoredDelivery,
    state: DeliveryState,
    delayMs: number,
    why: string,
    ids: Record<string, string>,
    trace: TraceContext | undefined,
  ): RunResult {
    const nextAttemptAt = new Date(Date.now() + delayMs);
    return this.park(delivery, state, { status: 'parked', nextAttemptAt, why }, why, ids, trace);
  }

  private park(
    delivery: StoredDelivery,
    state: DeliveryState,
    next: NextState,
    why: string,
    ids: Record<string, string>,
    trace: TraceContext | undefined,
  ): RunResult {
    this.logger.debug({ ...ids, why, next: next.status }, 'delivery not sent');
    recordNotSent(trace, delivery, why, next);
    return this.write({
      delivery,
      replayRequestedAt: state.replayRequestedAt,
      attemptCount: state.attemptCount,
      budgetBase: state.budgetBase,
      attempt: null,
      next,
    });
  }

  private write(write: AttemptWrite): RunResult {
    const recorded = this.recorder.record(write);
    const outcome = write.next.status === 'retrying' ? 'retry_scheduled' : write.next.status;
    this.metrics.deliveries.inc({ outcome, event_type: write.delivery.event.eventType });
    if (write.next.status === 'retrying') this.metrics.retriesScheduled.inc();
    if (write.next.status === 'dead_lettered') this.metrics.deadLettered.inc({ reason: write.next.reason });
    return { recorded };
  }
}

function idsOf(delivery: StoredDelivery): Record<string, string> {
  const { deliveryId, subscriptionId } = delivery;
  return { deliveryId, eventId: delivery.event.eventId, subscriptionId };
}

function describe(result: SendResult): string {
  return result.outcome.kind === 'response' ? `HTTP ${result.outcome.statusCode}` : result.outcome.errorClass;
}
