import { MISSING } from './field-path';
import type { Condition, JsonScalar, OrderOperator } from './filter-syntax';

/** Whether the value at a path (or MISSING) satisfies a condition. */
export type ValueTest = (value: unknown) => boolean;

// Typed as numbers for the compiler; at run time both sides are numbers or both are strings (the caller
// checks), and the relational operators order strings by UTF-16 code units.
const ORDER: Readonly<Record<OrderOperator, (value: number, operand: number) => boolean>> = {
  $gt: (value, operand) => value > operand,
  $gte: (value, operand) => value >= operand,
  $lt: (value, operand) => value < operand,
  $lte: (value, operand) => value <= operand,
};

/**
 * The test of one condition, its operand bound once. Equality is strict: a number never equals a string,
 * and only the same JSON type orders against the operand. `$neq` and `$nin` are the exact negations of
 * `$eq` and `$in`, so they hold where the path is missing.
 */
export function valueTest(condition: Condition): ValueTest {
  switch (condition.op) {
    case '$eq': {
      const operand = condition.operand;
      return (value) => value === operand;
    }
    case '$neq': {
      const operand = condition.operand;
      return (value) => value !== operand;
    }
    case '$in': {
      const operands = new Set<unknown>(condition.operand);
      return (value) => operands.has(value);
    }
    case '$nin': {
      const operands = new Set<unknown>(condition.operand);
      return (value) => !operands.has(value);
    }
    case '$exists':
      return condition.operand ? (value) => value !== MISSING : (value) => value === MISSING;
    case '$prefix': {
      const operand = condition.operand;
      return (value) => typeof value === 'string' && value.startsWith(operand);
    }
    case '$suffix': {
      const operand = condition.operand;
      return (value) => typeof value === 'string' && value.endsWith(operand);
    }
    default: {
      const { operand } = condition;
      const compare = ORDER[condition.op];
      const type = typeof operand;
      return (value) => typeof value === type && compare(value as number, operand as number);
    }
  }
}

/** Why a value failed a condition, in words a partner can act on. */
export function mismatchMessage(path: string, condition: Condition, value: unknown): string {
  if (value === MISSING) return `${path} is missing`;
  if (condition.op === '$exists') return `${path} exists`;
  const expected = `${condition.op} ${JSON.stringify(condition.operand)}`;
  const operandType = Array.isArray(condition.operand) ? undefined : jsonType(condition.operand);
  const valueType = jsonType(value);
  if (operandType !== undefined && operandType !== valueType && condition.op !== '$neq') {
    const typed = typeof value === 'object' ? ARTICLE[valueType] : `${ARTICLE[valueType]} ${shown(value)}`;
    return `${path} is ${typed}; ${expected} only matches ${PLURAL[operandType]}`;
  }
  return `${path} is ${shown(value)}, not ${expected}`;
}

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

const ARTICLE: Readonly<Record<JsonType, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
  array: 'an array',
  object: 'an object',
};
const PLURAL: Readonly<Record<JsonType, string>> = {
  string: 'strings',
  number: 'numbers',
  boolean: 'booleans',
  null: 'null',
  array: 'arrays',
  object: 'objects',
};

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as Exclude<JsonType, 'null' | 'array'>;
}

const SHOWN_CHARACTERS = 80;

function shown(value: unknown): string {
  if (typeof value === 'object' && value !== null) return ARTICLE[jsonType(value)];
  const json = JSON.stringify(value as JsonScalar);
  return json.length <= SHOWN_CHARACTERS ? json : `${json.slice(0, SHOWN_CHARACTERS)}...`;
}
