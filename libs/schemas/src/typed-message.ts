import type { z } from 'zod';
import { categoryOf, EVENT_CATALOG, isEventType, type EventCategory, type EventType } from './event-catalog';
import { problem, problemsFromIssues, type Parsed, type Problem } from './problem';

type MessageShape = z.ZodType<{ event: string; data: Record<string, unknown> }>;

/**
 * Checks a decoded JSON message's shape and then its `data` against the schema of its event type. Both
 * checks always run so the sender learns every problem from one rejection.
 */
export function parseTypedMessage<S extends MessageShape>(
  message: unknown,
  shape: S,
  expectedCategory?: EventCategory,
): Parsed<Omit<z.output<S>, 'event' | 'data'> & { event: EventType; data: Record<string, unknown> }> {
  const parsedShape = shape.safeParse(message);
  const typed = isRecord(message)
    ? checkEventData(message.event, message.data, expectedCategory)
    : { problems: [] };
  const problems = [
    ...(parsedShape.success ? [] : problemsFromIssues(parsedShape.error.issues)),
    ...typed.problems,
  ];
  if (!parsedShape.success || typed.value === undefined || problems.length > 0) {
    return { ok: false, problems };
  }
  return { ok: true, value: { ...parsedShape.data, ...typed.value } };
}

/** Values that are not a string type or not an object yield no problems here: the shape check reports them. */
function checkEventData(
  event: unknown,
  data: unknown,
  expectedCategory: EventCategory | undefined,
): { problems: Problem[]; value?: { event: EventType; data: Record<string, unknown> } } {
  if (typeof event !== 'string') return { problems: [] };
  if (!isEventType(event)) {
    return { problems: [problem('event', `unknown event type ${JSON.stringify(event)}`)] };
  }
  const problems: Problem[] = [];
  if (expectedCategory !== undefined && categoryOf(event) !== expectedCategory) {
    problems.push(problem('event', `${event} is not a ${expectedCategory} event`));
  }
  if (!isRecord(data)) return { problems };
  const parsed = EVENT_CATALOG[event].schema.safeParse(data);
  if (!parsed.success) {
    return { problems: [...problems, ...problemsFromIssues(parsed.error.issues, ['data'])] };
  }
  return { problems, value: { event, data: parsed.data } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
