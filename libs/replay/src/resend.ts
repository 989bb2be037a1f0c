import type { Priority, PrismaService } from '@smart-dairy/db';
import type { KafkaClient } from '@smart-dairy/kafka';
import {
  publishDeliveryTasks,
  startDeliveryTaskSpan,
  type DeliveryTask,
  type TaskOrigin,
  type TracedTask,
} from '@smart-dairy/messages';
import { endAfter, storedTraceHeaders, traceHeadersOf, type TraceHeaders } from '@smart-dairy/tracing';
import { replayTaskOf } from './replay-task';

/** Why a delivery is sent again: a DLQ replay, a manual retry, or a subscription's recover. */
export type ResendReason = Extract<TaskOrigin, { resend: unknown }>['resend'];

/** A delivery whose request to be sent again is recorded, with the trace it was sent in so far. */
export interface Resend extends Omit<DeliveryTask, 'replay'> {
  /** Null while tracing was off when it was last sent. */
  readonly originalTrace: TraceHeaders | null;
}

/** The error type a resend's span ends with when its task could not be published. */
const FAILED: Record<ResendReason, string> = {
  dlq_replay: 'replay_failed',
  manual_retry: 'retry_failed',
  recover: 'recover_failed',
};

/** A delivery row as a resend, its trace read from the stored `trace_context`. */
export function resendOf(delivery: {
  id: string;
  subscriptionId: string;
  priority: Priority;
  traceContext: unknown;
}): Resend {
  return {
    deliveryId: delivery.id,
    subscriptionId: delivery.subscriptionId,
    priority: delivery.priority,
    originalTrace: storedTraceHeaders(delivery.traceContext),
  };
}

/**
 * Publishes the replay tasks of `resends` in one go, in their order. While tracing is on, each starts a
 * new trace linked to the one its delivery was sent in, and the delivery keeps the new one before its
 * task is out, so the retries the dispatcher schedules after it join it. The same for every way a
 * delivery is sent again on request (docs/protocol.md#dead-letter-queue-and-replay).
 */
export async function publishResends(
  prisma: PrismaService,
  kafka: Pick<KafkaClient, 'topic' | 'producer'>,
  reason: ResendReason,
  resends: readonly Resend[],
): Promise<void> {
  const spans = resends.map((resend) =>
    startDeliveryTaskSpan(replayTaskOf(resend), { resend: reason, original: resend.originalTrace }),
  );
  const tasks: TracedTask[] = resends.map((resend, index) => {
    const span = spans[index];
    return span ? { ...replayTaskOf(resend), trace: traceHeadersOf(span) } : replayTaskOf(resend);
  });
  await endAfter(spans, FAILED[reason], keepTracesThenPublish(prisma, kafka, tasks));
}

async function keepTracesThenPublish(
  prisma: PrismaService,
  kafka: Pick<KafkaClient, 'topic' | 'producer'>,
  tasks: readonly TracedTask[],
): Promise<void> {
  const traced = tasks.flatMap(({ deliveryId, trace }) => (trace ? [{ deliveryId, trace }] : []));
  if (traced.length > 0) {
    await prisma.$executeRaw`
      UPDATE "deliveries" AS d SET "trace_context" = v.trace_context::jsonb
      FROM unnest(
        ${traced.map((t) => t.deliveryId)}::text[],
        ${traced.map((t) => JSON.stringify(t.trace))}::text[]
      ) AS v(id, trace_context)
      WHERE d."id" = v.id`;
  }
  await publishDeliveryTasks(kafka, tasks);
}
