import { Inject, Injectable } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { DispatcherMetrics } from '../dispatcher-metrics';

/** Thrown inside the breaker so that opossum counts a non-success as a failure. */
class UnsuccessfulAttempt extends Error {
  constructor(readonly result: unknown) {
    super('unsuccessful attempt');
  }
}

export type GuardedSend<T> =
  | { kind: 'sent'; result: T }
  /** The breaker refused to send; retry after `retryInMs` without spending the budget. */
  | { kind: 'refused'; retryInMs: number };

const HALF_OPEN_RETRY_MS = 1_000;

type Breaker = CircuitBreaker<[() => Promise<unknown>], unknown>;

const stateOf = (breaker: Breaker) => (breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed');

/**
 * One opossum circuit breaker per subscription endpoint: it opens on a high failure rate over a
 * minimum volume, fails fast while open, and lets one probe through after the reset timeout.
 */
@Injectable()
export class EndpointBreakers {
  private readonly breakers = new Map<string, Breaker>();

  constructor(
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    private readonly metrics: DispatcherMetrics,
  ) {}

  async send<T>(
    subscriptionId: string,
    isSuccess: (result: T) => boolean,
    send: () => Promise<T>,
  ): Promise<GuardedSend<T>> {
    const breaker = this.breaker(subscriptionId);
    try {
      const result = await breaker.fire(async () => {
        const result = await send();
        if (!isSuccess(result)) throw new UnsuccessfulAttempt(result);
        return result;
      });
      return { kind: 'sent', result: result as T };
    } catch (error) {
      if (error instanceof UnsuccessfulAttempt) return { kind: 'sent', result: error.result as T };
      if ((error as { code?: string }).code === 'EOPENBREAKER') {
        return {
          kind: 'refused',
          retryInMs: breaker.halfOpen ? HALF_OPEN_RETRY_MS : this.settings.config.BREAKER_RESET_TIMEOUT_MS,
        };
      }
      throw error;
    }
  }

  /**
   * Drops the breakers of subscriptions not in `live` (deleted ones), with their timers and series: the map and
   * the per-subscription series stay bounded by the subscriptions that exist.
   */
  retain(live: ReadonlySet<string>): void {
    for (const [subscriptionId, breaker] of this.breakers) {
      if (live.has(subscriptionId)) continue;
      breaker.shutdown();
      this.breakers.delete(subscriptionId);
    }
    this.metrics.breakerState.retain(live);
    this.countStates();
  }

  private countStates(): void {
    const counts = { closed: 0, half_open: 0, open: 0 };
    for (const breaker of this.breakers.values()) counts[stateOf(breaker)]++;
    for (const [state, count] of Object.entries(counts)) this.metrics.breakers.set({ state }, count);
  }

  private breaker(subscriptionId: string) {
    let breaker = this.breakers.get(subscriptionId);
    if (!breaker) {
      const { config } = this.settings;
      breaker = new CircuitBreaker((send: () => Promise<unknown>) => send(), {
        timeout: false,
        errorThresholdPercentage: config.BREAKER_ERROR_THRESHOLD_PERCENT,
        volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
        rollingCountTimeout: config.BREAKER_ROLLING_WINDOW_MS,
        resetTimeout: config.BREAKER_RESET_TIMEOUT_MS,
      });
      const state = (value: number) => () => {
        this.metrics.breakerState.set(subscriptionId, value);
        this.countStates();
      };
      breaker.on('close', state(0));
      breaker.on('halfOpen', state(1));
      breaker.on('open', state(2));
      this.breakers.set(subscriptionId, breaker);
      this.countStates();
    }
    return breaker;
  }
}
