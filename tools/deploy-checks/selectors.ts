import { isMap, listAt, mapAt } from './yaml-files';

export type Labels = Record<string, string>;

/** Whether a Kubernetes label selector (matchLabels and matchExpressions) selects `labels`. */
export function selects(selector: unknown, labels: Labels): boolean {
  if (!isMap(selector)) return false;
  const matchLabels = mapAt(selector, 'matchLabels') ?? {};
  if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) return false;
  return listAt(selector, 'matchExpressions').every((expression) => {
    if (!isMap(expression) || typeof expression.key !== 'string') return false;
    const value = labels[expression.key];
    const values = listAt(expression, 'values').map(String);
    switch (expression.operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

/** An empty selector (`{}`) selects every pod of the namespace. */
export const isEmptySelector = (selector: unknown): boolean =>
  isMap(selector) &&
  Object.keys(mapAt(selector, 'matchLabels') ?? {}).length === 0 &&
  listAt(selector, 'matchExpressions').length === 0;
