export type JsonScalar = string | number | boolean | null;
export type JsonValue = JsonScalar | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A filter as the API takes and shows it and Postgres stores it: `{ "data.total": { "$gte": 100 } }`. */
export type FilterDocument = { readonly [key: string]: JsonValue };

/** What a filter reads of an event: its type and its `data`, as the envelope carries them. */
export interface FilterableEvent {
  readonly event: string;
  readonly data: unknown;
}

/**
 * Bounds on one filter, so that evaluating it costs at most a few hundred property reads and comparisons
 * per event, whatever a subscription sends (docs/protocol.md#payload-filters).
 */
export const FILTER_LIMITS = {
  /** The filter's JSON text, in UTF-8. */
  maxBytes: 8 * 1024,
  /** Operators applied to fields (`$eq`, `$in`, ...) in the whole filter. */
  maxConditions: 50,
  /** `$and`, `$or` and `$not` inside one another. */
  maxDepth: 5,
  /** Dot-separated segments of a field path, `data` included. */
  maxPathSegments: 10,
  /** Values of one `$in` or `$nin` list. */
  maxListValues: 100,
} as const;

export const FIELD_OPERATORS = [
  '$eq',
  '$neq',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$prefix',
  '$suffix',
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];
export type OrderOperator = '$gt' | '$gte' | '$lt' | '$lte';

/** Where a part of a filter sits in its document: `["$or", 1, "data.region"]`. */
export type FilterLocation = readonly (string | number)[];

/** One operator applied to the value at a field path. */
export type Condition =
  | { readonly op: '$eq' | '$neq'; readonly operand: JsonScalar }
  | { readonly op: OrderOperator; readonly operand: number | string }
  | { readonly op: '$in' | '$nin'; readonly operand: readonly JsonScalar[] }
  | { readonly op: '$exists'; readonly operand: boolean }
  | { readonly op: '$prefix' | '$suffix'; readonly operand: string };

/** `data.order.total` split once: `["data", "order", "total"]`. */
export interface FieldPath {
  readonly text: string;
  readonly segments: readonly string[];
}

/** A filter checked and parsed: what the compiler turns into a predicate and the explainer walks. */
export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly at: FilterLocation; readonly nodes: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly at: FilterLocation; readonly node: FilterNode }
  | {
      readonly kind: 'field';
      readonly at: FilterLocation;
      readonly path: FieldPath;
      readonly condition: Condition;
    };

/** One bad part of a filter: where it is and what is wrong with it. */
export interface FilterProblem {
  readonly at: FilterLocation;
  readonly message: string;
}
