import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Prisma, PrismaService, type ApiKey } from '@smart-dairy/db';
import { Reply } from '@smart-dairy/http-api';
import { ProblemError, ValidationProblem } from '@smart-dairy/http-problem';
import { EventPublisher, EventRejectedError } from '@smart-dairy/producer';
import {
  assignEventId,
  isSystemEventType,
  parseInputMessage,
  type EventAsWritten,
  type EventType,
} from '@smart-dairy/schemas';
import type { TraceContext } from '@smart-dairy/tracing';
import { createHash } from 'node:crypto';
import { EVENT_ROUTES } from './event.routes';
import type { AcceptedEventView } from './event.schemas';

/** The answer to POST /v1/events, as sent and as stored for a repeated Idempotency-Key. */
export type IntakeResponse = Reply<AcceptedEventView>;

const sha256 = (value: string | Buffer) => createHash('sha256').update(value).digest('hex');

/**
 * POST /v1/events for producers that cannot speak Kafka: the same input message, validated
 * the same way, published through the producer library (so keyed by its aggregate id like any
 * producer's event) and answered only once Kafka has acknowledged it. An Idempotency-Key makes
 * a repeated request return the first answer instead of publishing again.
 */
@Injectable()
export class HttpEventIntake implements OnApplicationShutdown {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly prisma: PrismaService,
  ) {}

  /** `trace`: the request's own trace context, which the event's trace continues. */
  async accept(
    rawBody: Buffer,
    apiKey: ApiKey,
    idempotencyKey: string | undefined,
    trace?: TraceContext,
  ): Promise<IntakeResponse> {
    const parsed = parseInputMessage(rawBody);
    if (!parsed.ok) throw new ValidationProblem(parsed.problems, INVALID_EVENT);
    // Operator alerts would be forgeable by any producer key otherwise (docs/security.md).
    if (isSystemEventType(parsed.event.event)) {
      throw new ProblemError(
        'forbidden',
        `${parsed.event.event} is a system event: only the platform's own services publish system.* events.`,
      );
    }
    const requestHash = sha256(rawBody);

    if (idempotencyKey !== undefined) {
      const earlier = await this.prisma.idempotencyRecord.findUnique({
        where: { scopeKeyId_key: { scopeKeyId: apiKey.id, key: idempotencyKey } },
      });
      if (earlier) return this.replay(earlier, requestHash);
    }

    const event = parsed.event;
    // Without a producer id, a keyed request gets an id derived from its key, so two racing
    // retries of it publish the same event and ingestion keeps only one.
    const id =
      event.id ??
      (idempotencyKey === undefined
        ? assignEventId()
        : `evt_${sha256(`${apiKey.id}\n${idempotencyKey}`).slice(0, 32)}`);
    await this.publish(event.event, parsed.asWritten, id, trace);
    const response: IntakeResponse = new Reply(EVENT_ROUTES.publish.status, {
      id,
      event: event.event,
      status: 'accepted',
    });

    if (idempotencyKey !== undefined) {
      await this.prisma.idempotencyRecord.createMany({
        data: [
          {
            scopeKeyId: apiKey.id,
            key: idempotencyKey,
            requestHash,
            statusCode: response.status,
            responseBody: response.body as Prisma.InputJsonObject,
          },
        ],
        skipDuplicates: true,
      });
    }
    return response;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }

  /** The producer's own text of data and timestamp goes on, so subscribers receive the bytes it sent. */
  private async publish(
    type: EventType,
    { dataJson, timestamp }: EventAsWritten,
    id: string,
    trace: TraceContext | undefined,
  ): Promise<void> {
    try {
      await this.publisher.publishJson(type, dataJson, { id, timestamp, trace });
    } catch (error) {
      // The body passed, but what is sent is serialised anew with the id: a body at the size limit may
      // no longer fit.
      if (error instanceof EventRejectedError) throw new ValidationProblem(error.problems, INVALID_EVENT);
      throw error;
    }
  }

  private replay(
    earlier: { requestHash: string; statusCode: number; responseBody: Prisma.JsonValue },
    requestHash: string,
  ): IntakeResponse {
    if (earlier.requestHash !== requestHash) {
      throw new ProblemError(
        'conflict',
        'This Idempotency-Key was already used with a different request body.',
      );
    }
    return new Reply(earlier.statusCode, earlier.responseBody as AcceptedEventView);
  }
}

const INVALID_EVENT = 'The event is not valid.';
