import { isMap, type YamlMap } from './yaml-files';

/**
 * The lists that Kubernetes merges item by item (by the named key) in a strategic-merge patch; every
 * other list is replaced whole, as for the built-in types and CRDs alike. Enough for patches of pod
 * templates, ConfigMaps and policies; anything fancier makes the resolver throw, never guess.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
};

/** `ports` of a container merge by containerPort; of a Service, by port. */
function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') {
    if (items.every((item) => isMap(item) && 'containerPort' in item)) return 'containerPort';
    return undefined;
  }
  return MERGE_KEYS[field];
}

export function strategicMerge(target: unknown, patch: unknown): unknown {
  rejectDirectives(patch, '');
  return merge(target, patch, '');
}

function rejectDirectives(value: unknown, path: string): void {
  if (Array.isArray(value)) value.forEach((item, i) => rejectDirectives(item, `${path}[${i}]`));
  if (!isMap(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('$')) throw new Error(`unsupported patch directive ${key} at ${path || 'the top'}`);
    rejectDirectives(child, `${path}.${key}`);
  }
}

function merge(target: unknown, patch: unknown, field: string): unknown {
  if (isMap(patch)) {
    if (!isMap(target)) return stripNulls(patch);
    const merged: YamlMap = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = key in target ? merge(target[key], value, key) : stripNulls(value);
    }
    return merged;
  }
  if (Array.isArray(patch) && Array.isArray(target)) {
    const key = mergeKeyFor(field, [...target, ...patch]);
    if (key === undefined) return patch.map(stripNulls);
    const merged = [...target];
    for (const item of patch) {
      const index = merged.findIndex(
        (existing) => isMap(existing) && isMap(item) && existing[key] === item[key],
      );
      if (index === -1) merged.push(stripNulls(item));
      else merged[index] = merge(merged[index], item, '');
    }
    return merged;
  }
  return patch;
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, stripNulls(v)]),
  );
}
