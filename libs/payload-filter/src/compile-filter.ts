import { mismatchMessage, valueTest } from './condition-test';
import { fieldReader } from './field-path';
import type { FilterLocation, FilterNode, FilterProblem, FilterableEvent } from './filter-syntax';
import { parseFilter } from './parse-filter';

export type EventPredicate = (event: FilterableEvent) => boolean;

/** A part of a filter that kept an event out, and why. */
export interface FilterMismatch {
  readonly at: FilterLocation;
  readonly message: string;
}

export interface CompiledFilter {
  /** The hot path: closures over parsed paths and bound operands, no JSON looked at per event. */
  readonly matches: EventPredicate;
  /**
   * Why an event does not match, for people (the filter-test route): empty exactly when `matches` holds.
   * Each failing member of an `$and` (or of an object's keys); an `$or`, then why each alternative failed;
   * a `$not` whose filter matched.
   */
  explain(event: FilterableEvent): readonly FilterMismatch[];
}

export type FilterCompilation =
  | { readonly ok: true; readonly filter: CompiledFilter }
  | { readonly ok: false; readonly problems: readonly FilterProblem[] };

/** Checks a filter and turns it into a predicate once, for every event to come. Never throws. */
export function compileFilter(source: unknown): FilterCompilation {
  const parsed = parseFilter(source);
  if (!parsed.ok) return parsed;
  const { node } = parsed;
  return { ok: true, filter: { matches: predicate(node), explain: (event) => explain(node, event) } };
}

function predicate(node: FilterNode): EventPredicate {
  switch (node.kind) {
    case 'field': {
      const read = fieldReader(node.path);
      const test = valueTest(node.condition);
      return (event) => test(read(event));
    }
    case 'not': {
      const inner = predicate(node.node);
      return (event) => !inner(event);
    }
    case 'and': {
      const all = node.nodes.map(predicate);
      return (event) => {
        for (const p of all) if (!p(event)) return false;
        return true;
      };
    }
    case 'or': {
      const any = node.nodes.map(predicate);
      return (event) => {
        for (const p of any) if (p(event)) return true;
        return false;
      };
    }
  }
}

function explain(node: FilterNode, event: FilterableEvent): FilterMismatch[] {
  switch (node.kind) {
    case 'field': {
      const value = fieldReader(node.path)(event);
      if (valueTest(node.condition)(value)) return [];
      return [{ at: node.at, message: mismatchMessage(node.path.text, node.condition, value) }];
    }
    case 'not':
      return predicate(node.node)(event) ? [{ at: node.at, message: 'the filter inside $not matched' }] : [];
    case 'and':
      return node.nodes.flatMap((child) => explain(child, event));
    case 'or': {
      const failures = node.nodes.map((child) => explain(child, event));
      if (failures.some((found) => found.length === 0)) return [];
      return [{ at: node.at, message: 'no alternative matched' }, ...failures.flat()];
    }
  }
}
