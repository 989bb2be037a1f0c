import { isMap } from './yaml-files';

/**
 * RFC 6902 `add` operations, as kustomize applies a `patches` entry with a `target`: enough for an
 * overlay that appends to a list. Any other operation, or a path that does not exist, throws.
 */
export function applyJsonPatch<T>(document: T, operations: unknown, where: string): T {
  if (!Array.isArray(operations)) throw new Error(`${where}: a JSON patch is a list of operations`);
  const copy = JSON.parse(JSON.stringify(document)) as T;
  for (const operation of operations) {
    if (!isMap(operation) || operation.op !== 'add' || typeof operation.path !== 'string') {
      throw new Error(`${where}: only { op: add, path, value } operations are supported`);
    }
    const keys = operation.path
      .split('/')
      .slice(1)
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop();
    let parent: unknown = copy;
    for (const key of keys) {
      parent = Array.isArray(parent) ? parent[Number(key)] : isMap(parent) ? parent[key] : undefined;
      if (parent === undefined) throw new Error(`${where}: ${operation.path} does not exist`);
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!(index >= 0 && index <= parent.length))
        throw new Error(`${where}: ${operation.path} is out of range`);
      parent.splice(index, 0, operation.value);
    } else if (isMap(parent) && last !== undefined) parent[last] = operation.value;
    else throw new Error(`${where}: ${operation.path} does not exist`);
  }
  return copy;
}
