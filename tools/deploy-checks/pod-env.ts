import type { Manifest } from './manifest';
import { isMap, listAt, mapAt, stringAt, type YamlMap } from './yaml-files';

export interface EnvEntry {
  readonly value: string;
  /** Where the value comes from, e.g. `ConfigMap smart-dairy-config` or `literal`. */
  readonly source: string;
  readonly fromSecret: boolean;
}

export interface ContainerEnv {
  readonly env: Map<string, EnvEntry>;
  /** References to ConfigMaps, Secrets or keys that do not exist: the pod would not start. */
  readonly problems: string[];
}

/** A container's environment as the kubelet would build it: envFrom first, then env on top. */
export function containerEnv(container: YamlMap, manifests: Manifest[], namespace?: string): ContainerEnv {
  const env = new Map<string, EnvEntry>();
  const problems: string[] = [];
  const lookup = (
    kind: 'ConfigMap' | 'Secret',
    name: string | undefined,
  ): Map<string, string> | undefined => {
    const found = manifests.find(
      (m) => m.kind === kind && m.metadata.name === name && m.metadata.namespace === namespace,
    );
    return found ? dataOf(found) : undefined;
  };

  for (const source of listAt(container, 'envFrom')) {
    for (const kind of ['ConfigMap', 'Secret'] as const) {
      const ref = mapAt(source, kind === 'ConfigMap' ? 'configMapRef' : 'secretRef');
      if (!ref) continue;
      const data = lookup(kind, stringAt(ref, 'name'));
      if (!data) {
        if (ref.optional !== true) {
          problems.push(`envFrom names ${kind} ${String(ref.name)}, which does not exist`);
        }
        continue;
      }
      const prefix = stringAt(source, 'prefix') ?? '';
      for (const [key, value] of data) {
        env.set(prefix + key, {
          value,
          source: `${kind} ${String(ref.name)}`,
          fromSecret: kind === 'Secret',
        });
      }
    }
  }

  for (const variable of listAt(container, 'env')) {
    const name = stringAt(variable, 'name');
    if (name === undefined) continue;
    if (isMap(variable) && 'value' in variable) {
      env.set(name, { value: String(variable.value), source: 'literal', fromSecret: false });
      continue;
    }
    for (const kind of ['ConfigMap', 'Secret'] as const) {
      const ref = mapAt(variable, 'valueFrom', kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef');
      if (!ref) continue;
      const key = stringAt(ref, 'key') ?? '';
      const value = lookup(kind, stringAt(ref, 'name'))?.get(key);
      if (value === undefined) {
        if (ref.optional !== true) {
          problems.push(`${name} refers to ${kind} ${String(ref.name)} key ${key}, which does not exist`);
        }
        continue;
      }
      env.set(name, { value, source: `${kind} ${String(ref.name)}`, fromSecret: kind === 'Secret' });
    }
  }
  return { env, problems };
}

/** A ConfigMap's data, or a Secret's stringData and (decoded) data. */
export function dataOf(manifest: Manifest): Map<string, string> {
  const data = new Map<string, string>();
  for (const [key, value] of Object.entries(mapAt(manifest, 'data') ?? {})) {
    data.set(
      key,
      manifest.kind === 'Secret' ? Buffer.from(String(value), 'base64').toString('utf8') : String(value),
    );
  }
  for (const [key, value] of Object.entries(mapAt(manifest, 'stringData') ?? {}))
    data.set(key, String(value));
  return data;
}
