import { findUnstorableText } from '@smart-dairy/schemas';
import { FILTER_LIMITS, type FieldPath, type FilterableEvent } from './filter-syntax';

/** What a path reads where the event has nothing: distinct from every JSON value, `null` included. */
export const MISSING: unique symbol = Symbol('missing');

/** The value at a path of an event, or MISSING. */
export type FieldReader = (event: FilterableEvent) => unknown;

export type ParsedPath =
  { readonly ok: true; readonly path: FieldPath } | { readonly ok: false; readonly message: string };

// Canonical indexes only, so "01" or "1e0" name object keys and never an element.
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,8})$/;

/**
 * Checks a field path: `event`, or `data` followed by one or more keys (`data.items.0.sku`). Keys that hold
 * a dot cannot be named; a segment that is a canonical number also indexes arrays.
 */
export function parseFieldPath(text: string): ParsedPath {
  const unstorable = findUnstorableText(text);
  if (unstorable) return { ok: false, message: unstorable.reason };
  const segments = text.split('.');
  if (segments.some((segment) => segment === '')) {
    return {
      ok: false,
      message: 'has an empty segment: separate keys with single dots, as in data.order.total',
    };
  }
  if (segments.length > FILTER_LIMITS.maxPathSegments) {
    return {
      ok: false,
      message: `has ${segments.length} segments; at most ${FILTER_LIMITS.maxPathSegments}`,
    };
  }
  const [root] = segments;
  if (root === 'event' && segments.length > 1) {
    return { ok: false, message: 'event is the event type, a string: it has no fields' };
  }
  if (root === 'data' && segments.length === 1) {
    return { ok: false, message: 'names all of data: name a field in it, such as data.order_id' };
  }
  if (root !== 'event' && root !== 'data') {
    return {
      ok: false,
      message: 'is not part of the event: use "event" or a path in data, such as data.order.total',
    };
  }
  return { ok: true, path: { text, segments } };
}

interface Step {
  readonly key: string;
  /** The array element it names, or -1. */
  readonly index: number;
}

/** Reads a path without interpreting it per event: the steps are worked out once, here. */
export function fieldReader({ segments }: FieldPath): FieldReader {
  if (segments[0] === 'event') return (event) => event.event;
  const steps: Step[] = segments
    .slice(1)
    .map((key) => ({ key, index: ARRAY_INDEX.test(key) ? Number(key) : -1 }));
  if (steps.length === 1) {
    const [step] = steps as [Step];
    return (event) => member(event.data, step);
  }
  return (event) => {
    let value = event.data;
    for (const step of steps) {
      value = member(value, step);
      if (value === MISSING) break;
    }
    return value;
  };
}

/** Own properties only: a path never reaches `constructor` or `__proto__` of the prototype. */
function member(value: unknown, { key, index }: Step): unknown {
  if (typeof value !== 'object' || value === null) return MISSING;
  if (Array.isArray(value)) return index >= 0 && index < value.length ? value[index] : MISSING;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : MISSING;
}
