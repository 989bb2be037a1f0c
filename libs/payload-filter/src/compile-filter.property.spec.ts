import fc from 'fast-check';
import { compileFilter, type CompiledFilter } from './compile-filter';
import type { FilterableEvent, FilterLocation } from './filter-syntax';

type Filter = Record<string, unknown>;

/**
 * The documented semantics (docs/protocol.md#payload-filters) written as plainly as possible, with nothing
 * shared with the compiler: an oracle for what the compiled predicate must answer.
 */
function reference(filter: Filter, event: FilterableEvent): boolean {
  return Object.entries(filter).every(([key, value]) => {
    if (key === '$and') return (value as Filter[]).every((f) => reference(f, event));
    if (key === '$or') return (value as Filter[]).some((f) => reference(f, event));
    if (key === '$not') return !reference(value as Filter, event);
    const found = lookup(event, key);
    const operators: [string, unknown][] = isPlainObject(value) ? Object.entries(value) : [['$eq', value]];
    return operators.every(([op, operand]) => holds(op, operand, found));
  });
}

type Found = { present: false } | { present: true; value: unknown };

function lookup(event: FilterableEvent, path: string): Found {
  const [root, ...keys] = path.split('.');
  let current: unknown = root === 'event' ? event.event : event.data;
  for (const key of keys) {
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < current.length) {
      current = current[Number(key)];
    } else if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, key)) {
      current = current[key];
    } else {
      return { present: false };
    }
  }
  return { present: true, value: current };
}

function holds(op: string, operand: unknown, found: Found): boolean {
  const equal = (x: unknown) => found.present && found.value === x;
  const value = found.present ? found.value : undefined;
  switch (op) {
    case '$eq':
      return equal(operand);
    case '$neq':
      return !equal(operand);
    case '$in':
      return (operand as unknown[]).some(equal);
    case '$nin':
      return !(operand as unknown[]).some(equal);
    case '$exists':
      return found.present === operand;
    case '$prefix':
      return typeof value === 'string' && value.startsWith(operand as string);
    case '$suffix':
      return typeof value === 'string' && value.endsWith(operand as string);
    default:
      if (typeof value === 'number' && typeof operand === 'number')
        return ordered(op, Math.sign(value - operand));
      if (typeof value === 'string' && typeof operand === 'string') {
        return ordered(op, value < operand ? -1 : value > operand ? 1 : 0);
      }
      return false;
  }
}

function ordered(op: string, sign: number): boolean {
  const holding: Record<string, boolean> = { $gt: sign > 0, $gte: sign >= 0, $lt: sign < 0, $lte: sign <= 0 };
  return holding[op] === true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A small alphabet of keys and values, so that generated filters and events meet often.
const key = fc.constantFrom('a', 'b', 'c', '0', '1');
const scalar = fc.constantFrom<unknown>(
  0,
  1,
  2,
  -1,
  1.5,
  '',
  '0',
  '1',
  'a',
  'ab',
  'ba',
  'order.created',
  true,
  false,
  null,
);
const orderable = fc.oneof(fc.constantFrom(0, 1, 1.5, -1), fc.constantFrom('', '0', 'a', 'ab', 'b'));
const affix = fc.constantFrom('a', 'b', 'ab', '0', 'order.', '.created');

const { value: dataValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
}));
const event: fc.Arbitrary<FilterableEvent> = fc.record({
  event: fc.constantFrom('order.created', 'order.updated', 'payment.failed'),
  data: fc.dictionary(key, dataValue, { maxKeys: 4 }),
});

const path = fc.oneof(
  { weight: 1, arbitrary: fc.constant('event') },
  {
    weight: 5,
    arbitrary: fc.array(key, { minLength: 1, maxLength: 4 }).map((keys) => `data.${keys.join('.')}`),
  },
);
const operation: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constantFrom('$eq', '$neq'), scalar),
  fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), orderable),
  fc.tuple(fc.constantFrom('$in', '$nin'), fc.array(scalar, { minLength: 1, maxLength: 4 })),
  fc.tuple(fc.constant('$exists'), fc.boolean()),
  fc.tuple(fc.constantFrom('$prefix', '$suffix'), affix),
);
const fieldValue = fc.oneof(
  scalar,
  fc.array(operation, { minLength: 1, maxLength: 2 }).map((ops) => Object.fromEntries(ops)),
);
const fields = fc.dictionary(path, fieldValue, { minKeys: 1, maxKeys: 2 });

/**
 * Filters within every limit: `depth` levels of $and/$or/$not at most, two members each, two fields of two
 * operators each, so at most 4 × 2^depth conditions.
 */
function filterOf(depth: number): fc.Arbitrary<Filter> {
  return fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { maxDepth: depth, depthSize: 'small' },
      fields,
      fc.record({ $and: fc.array(tie('filter'), { minLength: 1, maxLength: 2 }) }),
      fc.record({ $or: fc.array(tie('filter'), { minLength: 1, maxLength: 2 }) }),
      fc.record({ $not: tie('filter') }),
      fc.tuple(fields, tie('filter')).map(([f, g]) => ({ ...f, $not: g })),
    ),
  })).filter;
}
const filter = filterOf(3);
/** Two of these combined stay within the limits too. */
const smallFilter = filterOf(2);

/** The field paths of a filter, and every value it compares with. */
function partsOf(filter: Filter): { paths: string[]; operands: unknown[] } {
  const paths: string[] = [];
  const operands: unknown[] = [];
  const walk = (f: Filter) => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' || key === '$or') (value as Filter[]).forEach(walk);
      else if (key === '$not') walk(value as Filter);
      else {
        paths.push(key);
        const ops = isPlainObject(value) ? Object.values(value) : [value];
        operands.push(...ops.flatMap((operand) => (Array.isArray(operand) ? operand : [operand])));
      }
    }
  };
  walk(filter);
  return { paths, operands };
}

/** `data` with `value` put at the keys, as objects or, for index keys when `arrays`, as arrays. */
function placed(data: unknown, keys: readonly string[], value: unknown, arrays: boolean): unknown {
  const [first, ...rest] = keys;
  if (first === undefined) return value;
  if (arrays && /^(0|[1-9][0-9]*)$/.test(first)) {
    const items: unknown[] = Array.isArray(data) ? [...data] : [];
    while (items.length <= Number(first)) items.push(null);
    items[Number(first)] = placed(items[Number(first)], rest, value, arrays);
    return items;
  }
  const members: Record<string, unknown> = isPlainObject(data) ? { ...data } : {};
  members[first] = placed(members[first], rest, value, arrays);
  return members;
}

/**
 * A filter with events aimed at it: some of its paths hold one of its own operands (equal, or just beside
 * for the orderings), others hold anything or nothing, so that every operator is seen both holding and not.
 */
const filterWithEvents = filter.chain((f) => {
  const { paths, operands } = partsOf(f);
  const near = operands.flatMap((o) => (typeof o === 'number' ? [o, o - 0.5, o + 0.5] : [o]));
  const value = fc.oneof(fc.constantFrom(...near, ...operands), dataValue);
  const aimed = fc
    .tuple(
      event,
      fc.subarray(paths),
      fc.array(value, { minLength: paths.length, maxLength: paths.length }),
      fc.boolean(),
    )
    .map(([e, chosen, values, arrays]) => {
      let data: unknown = e.data;
      let type = e.event;
      chosen.forEach((path, i) => {
        const [root, ...keys] = path.split('.');
        if (root === 'event') type = typeof values[i] === 'string' ? (values[i] as string) : type;
        else data = placed(data, keys, values[i], arrays);
      });
      return { event: type, data };
    });
  return fc.tuple(fc.constant(f), fc.array(aimed, { minLength: 1, maxLength: 5 }));
});

function compiled(source: unknown): CompiledFilter {
  const result = compileFilter(source);
  if (!result.ok)
    throw new Error(`invalid filter ${JSON.stringify(source)}: ${JSON.stringify(result.problems)}`);
  return result.filter;
}

describe('compileFilter, for any filter and event', () => {
  it('answers what the documented semantics answer', () => {
    fc.assert(
      fc.property(filterWithEvents, ([f, events]) => {
        const { matches } = compiled(f);
        for (const e of events) expect(matches(e)).toBe(reference(f, e));
      }),
      { numRuns: 3_000 },
    );
  });

  it('explains a mismatch exactly when the event does not match', () => {
    fc.assert(
      fc.property(filterWithEvents, ([f, events]) => {
        const { matches, explain } = compiled(f);
        for (const e of events) expect(explain(e).length === 0).toBe(matches(e));
      }),
      { numRuns: 1_000 },
    );
  });

  it('negates with $not, and combines with $and and $or', () => {
    fc.assert(
      fc.property(smallFilter, smallFilter, event, (f, g, e) => {
        const [mf, mg] = [compiled(f).matches(e), compiled(g).matches(e)];
        expect(compiled({ $not: f }).matches(e)).toBe(!mf);
        expect(compiled({ $and: [f, g] }).matches(e)).toBe(mf && mg);
        expect(compiled({ $or: [f, g] }).matches(e)).toBe(mf || mg);
      }),
    );
  });

  it('makes $neq and $nin the negations of $eq and $in, missing paths included', () => {
    fc.assert(
      fc.property(path, scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }), event, (p, x, xs, e) => {
        expect(compiled({ [p]: { $neq: x } }).matches(e)).toBe(!compiled({ [p]: { $eq: x } }).matches(e));
        expect(compiled({ [p]: { $nin: xs } }).matches(e)).toBe(!compiled({ [p]: { $in: xs } }).matches(e));
      }),
    );
  });

  it('never equals a number with its string, nor orders one against the other', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const asText = { event: 'order.created', data: { x: String(n) } };
        const asNumber = { event: 'order.created', data: { x: n } };
        for (const op of ['$eq', '$gte', '$lte'] as const) {
          expect(compiled({ 'data.x': { [op]: n } }).matches(asText)).toBe(false);
          expect(compiled({ 'data.x': { [op]: String(n) } }).matches(asNumber)).toBe(false);
        }
        expect(compiled({ 'data.x': { $in: [n] } }).matches(asText)).toBe(false);
      }),
    );
  });

  it('matches no $eq, ordering, $in or affix condition on a missing path, and $exists: false', () => {
    fc.assert(
      fc.property(operation, (op) => {
        const [name, operand] = op;
        const e = { event: 'order.created', data: {} };
        const expected = name === '$neq' || name === '$nin' || (name === '$exists' && operand === false);
        expect(compiled({ 'data.a.b': { [name]: operand } }).matches(e)).toBe(expected);
      }),
    );
  });
});

describe('compileFilter, for any input at all', () => {
  /** Whether a location names a part of the value: every step an own key or an index. */
  function locates(source: unknown, at: FilterLocation): boolean {
    let current = source;
    for (const step of at) {
      if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) return false;
      current = (current as Record<string | number, unknown>)[step];
    }
    return true;
  }

  const anyJson = fc.oneof(
    fc.jsonValue(),
    filter,
    fc.dictionary(fc.oneof(path, fc.string()), fc.jsonValue()),
  );

  it('never throws, and each problem points at a part of the input', () => {
    fc.assert(
      fc.property(anyJson, (source) => {
        const result = compileFilter(source);
        if (result.ok) return;
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) expect(locates(source, problem.at)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts a filter again after a JSON round trip, as Postgres gives it back', () => {
    fc.assert(
      fc.property(filter, event, (f, e) => {
        const stored = JSON.parse(JSON.stringify(f)) as unknown;
        expect(compiled(stored).matches(e)).toBe(compiled(f).matches(e));
      }),
    );
  });
});
