import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, type Logger } from '@smart-dairy/service-kit';
import { createGuardedConnector } from '@smart-dairy/ssrf';
import { Agent, buildConnector, request } from 'undici';
import { DISPATCHER_SETTINGS, type DispatcherSettings } from '../config';
import { readBoundedBody } from './bounded-body';
import { classifyNetworkError, type AttemptOutcome } from './classify';
import { isHttpsUrl } from './https-url';

export interface SendResult {
  outcome: AttemptOutcome;
  latencyMs: number;
  /** The first 64 KiB of the response, for the delivery log. */
  responseBody: string | null;
  error: string | null;
}

/**
 * POSTs signed bytes with undici: pooled keep-alive connections per origin, no redirects
 * (a 3xx is an answer, not an instruction), a connect timeout, and one deadline for the whole
 * exchange so a receiver that trickles its answer cannot hold a slot for long. In production
 * every address is checked before connecting (SSRF), and only https with TLS 1.2+ is used.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(
    @Inject(DISPATCHER_SETTINGS) private readonly settings: DispatcherSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    const { config, allowPrivateEndpoints } = settings;
    const connectOptions: buildConnector.BuildOptions = {
      timeout: config.DELIVERY_CONNECT_TIMEOUT_MS,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
    };
    this.agent = new Agent({
      connect: allowPrivateEndpoints
        ? connectOptions
        : createGuardedConnector({ ...connectOptions, allowPrivate: false }),
      keepAliveTimeout: 30_000,
      headersTimeout: config.DELIVERY_TIMEOUT_MS,
      bodyTimeout: config.DELIVERY_TIMEOUT_MS,
    });
    if (allowPrivateEndpoints) {
      logger.info('development mode: deliveries may go to loopback/private addresses and plain http');
    }
  }

  async send(url: string, headers: Record<string, string>, body: Buffer): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    if (!this.settings.allowPrivateEndpoints && !isHttpsUrl(url)) {
      return {
        outcome: { kind: 'error', errorClass: 'ssrf_blocked' },
        latencyMs: 0,
        responseBody: null,
        error: 'endpoint is not https',
      };
    }
    // A timer cleared at the end rather than AbortSignal.timeout, whose signal (and the request it
    // references) stays alive until the timeout fires, thousands of requests later under load.
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException('deadline passed', 'TimeoutError')),
      this.settings.config.DELIVERY_TIMEOUT_MS,
    );
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        signal: deadline.signal,
      });
      const retryAfter = response.headers['retry-after'];
      // The status decides the outcome; the body is only read for the log, within what is left of the deadline.
      const snippet = await readBoundedBody(response.body).then(
        (b) => b.text,
        () => null,
      );
      return {
        outcome: {
          kind: 'response',
          statusCode: response.statusCode,
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        },
        latencyMs: elapsed(),
        responseBody: snippet,
        error: null,
      };
    } catch (error) {
      return {
        outcome: { kind: 'error', errorClass: classifyNetworkError(error) },
        latencyMs: elapsed(),
        responseBody: null,
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}
