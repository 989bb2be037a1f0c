import { findUnstorableText } from '@smart-dairy/schemas';
import { parseFieldPath } from './field-path';
import {
  FIELD_OPERATORS,
  FILTER_LIMITS,
  type Condition,
  type FieldOperator,
  type FieldPath,
  type FilterLocation,
  type FilterNode,
  type FilterProblem,
} from './filter-syntax';
import { jsonBytesUpTo } from './json-size';

export type ParsedFilter =
  | { readonly ok: true; readonly node: FilterNode }
  | { readonly ok: false; readonly problems: readonly FilterProblem[] };

type Operand = (value: unknown, at: FilterLocation) => FilterProblem[];

const EXAMPLE = '{"data.order.total": {"$gte": 100}}';
const LOGICAL_OPERATORS = ['$and', '$or', '$not'];

/**
 * Checks a filter and parses it, reporting every bad part at once, each where it is. Never throws: the
 * input is anything a JSON request body or a jsonb column holds.
 */
export function parseFilter(source: unknown): ParsedFilter {
  if (!isObject(source)) {
    return failed([{ at: [], message: `must be an object of conditions, such as ${EXAMPLE}` }]);
  }
  if (jsonBytesUpTo(source, FILTER_LIMITS.maxBytes) > FILTER_LIMITS.maxBytes) {
    return failed([{ at: [], message: `is longer than ${FILTER_LIMITS.maxBytes} bytes of JSON` }]);
  }
  const parser = new FilterParser();
  const node = parser.clauses(source, [], 0);
  const conditions = node ? conditionCount(node) : 0;
  if (conditions > FILTER_LIMITS.maxConditions) {
    parser.problem([], `has ${conditions} conditions; at most ${FILTER_LIMITS.maxConditions}`);
  }
  return node && parser.problems.length === 0 ? { ok: true, node } : failed(parser.problems);
}

function failed(problems: readonly FilterProblem[]): ParsedFilter {
  return { ok: false, problems };
}

/** Walks one filter; a method answers undefined for a part with problems, which it has recorded. */
class FilterParser {
  readonly problems: FilterProblem[] = [];

  problem(at: FilterLocation, message: string): undefined {
    this.problems.push({ at, message });
    return undefined;
  }

  /** An object's members all hold: one node, or their `and`. */
  clauses(
    object: Readonly<Record<string, unknown>>,
    at: FilterLocation,
    depth: number,
  ): FilterNode | undefined {
    const keys = Object.keys(object);
    if (keys.length === 0) return this.problem(at, 'must hold at least one condition');
    const nodes = all(keys.map((key) => this.clause(key, object[key], [...at, key], depth)));
    return nodes && (nodes.length === 1 ? nodes[0] : { kind: 'and', at, nodes });
  }

  private clause(key: string, value: unknown, at: FilterLocation, depth: number): FilterNode | undefined {
    if (LOGICAL_OPERATORS.includes(key)) {
      if (depth >= FILTER_LIMITS.maxDepth) {
        return this.problem(at, `$and, $or and $not nest at most ${FILTER_LIMITS.maxDepth} deep`);
      }
      return key === '$not' ? this.negation(value, at, depth + 1) : this.branches(key, value, at, depth + 1);
    }
    if (key.startsWith('$')) {
      return this.problem(
        at,
        isFieldOperator(key)
          ? `${key} applies to a field, as in {"data.status": {"${key}": ...}}`
          : `unknown operator ${key}; combine conditions with $and, $or and $not`,
      );
    }
    return this.field(key, value, at);
  }

  private negation(value: unknown, at: FilterLocation, depth: number): FilterNode | undefined {
    if (!isObject(value)) return this.problem(at, 'must be an object of conditions');
    const node = this.clauses(value, at, depth);
    return node && { kind: 'not', at, node };
  }

  private branches(key: string, value: unknown, at: FilterLocation, depth: number): FilterNode | undefined {
    if (!Array.isArray(value) || value.length === 0) {
      return this.problem(at, 'must be a non-empty array of objects of conditions');
    }
    const nodes = all(
      value.map((item: unknown, i) =>
        isObject(item)
          ? this.clauses(item, [...at, i], depth)
          : this.problem([...at, i], 'must be an object of conditions'),
      ),
    );
    return nodes && { kind: key === '$or' ? 'or' : 'and', at, nodes };
  }

  /** `"data.x": value` is `$eq`; `"data.x": { "$gte": 1, "$lt": 9 }` holds when every operator does. */
  private field(key: string, value: unknown, at: FilterLocation): FilterNode | undefined {
    const parsed = parseFieldPath(key);
    const path = parsed.ok ? parsed.path : this.problem(at, `field path ${parsed.message}`);
    if (Array.isArray(value)) return this.problem(at, 'use {"$in": [...]} to match one of several values');
    if (!isObject(value)) return this.condition(path, '$eq', value, at);
    const operators = Object.keys(value);
    if (operators.length === 0) {
      return this.problem(at, `must hold at least one operator: ${FIELD_OPERATORS.join(', ')}`);
    }
    const nodes = all(
      operators.map((op) =>
        isFieldOperator(op)
          ? this.condition(path, op, value[op], [...at, op])
          : this.problem([...at, op], `unknown operator; use one of ${FIELD_OPERATORS.join(', ')}`),
      ),
    );
    return nodes && (nodes.length === 1 ? nodes[0] : { kind: 'and', at, nodes });
  }

  private condition(
    path: FieldPath | undefined,
    op: FieldOperator,
    operand: unknown,
    at: FilterLocation,
  ): FilterNode | undefined {
    const found = OPERANDS[op](operand, at);
    this.problems.push(...found);
    if (!path || found.length > 0) return undefined;
    // The operand was checked against its operator just above, which is what the union says.
    return { kind: 'field', at, path, condition: { op, operand } as Condition };
  }
}

/** The nodes, if every part parsed. */
function all(nodes: readonly (FilterNode | undefined)[]): FilterNode[] | undefined {
  return nodes.every((node) => node !== undefined) ? [...nodes] : undefined;
}

const scalar: Operand = (value, at) => {
  const message = scalarProblem(value);
  return message === undefined ? [] : [{ at, message }];
};

const OPERANDS: Readonly<Record<FieldOperator, Operand>> = {
  $eq: scalar,
  $neq: scalar,
  $gt: orderable,
  $gte: orderable,
  $lt: orderable,
  $lte: orderable,
  $in: list,
  $nin: list,
  $exists: (value, at) => (typeof value === 'boolean' ? [] : [{ at, message: 'must be true or false' }]),
  $prefix: affix,
  $suffix: affix,
};

function orderable(value: unknown, at: FilterLocation): FilterProblem[] {
  if (typeof value !== 'number' && typeof value !== 'string') {
    return [{ at, message: 'must be a number or a string (strings compare by UTF-16 code units)' }];
  }
  return scalar(value, at);
}

function affix(value: unknown, at: FilterLocation): FilterProblem[] {
  if (typeof value !== 'string' || value === '') return [{ at, message: 'must be a non-empty string' }];
  return scalar(value, at);
}

function list(value: unknown, at: FilterLocation): FilterProblem[] {
  if (!Array.isArray(value) || value.length === 0) {
    return [{ at, message: 'must be a non-empty array of strings, numbers, booleans or nulls' }];
  }
  if (value.length > FILTER_LIMITS.maxListValues) {
    return [{ at, message: `has ${value.length} values; at most ${FILTER_LIMITS.maxListValues}` }];
  }
  return value.flatMap((item: unknown, i) => scalar(item, [...at, i]));
}

function scalarProblem(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return findUnstorableText(value)?.reason;
    case 'number':
      return Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'boolean':
      return undefined;
    default:
      return value === null ? undefined : 'must be a string, a number, a boolean or null';
  }
}

function conditionCount(node: FilterNode): number {
  switch (node.kind) {
    case 'field':
      return 1;
    case 'not':
      return conditionCount(node.node);
    default:
      return node.nodes.reduce((sum, child) => sum + conditionCount(child), 0);
  }
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldOperator(key: string): key is FieldOperator {
  return (FIELD_OPERATORS as readonly string[]).includes(key);
}
