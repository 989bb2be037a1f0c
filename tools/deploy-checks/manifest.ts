import { isMap, type YamlMap } from './yaml-files';

/** A Kubernetes object as written in YAML; everything below `metadata` is checked where it is used. */
export interface Manifest extends YamlMap {
  apiVersion: string;
  kind: string;
  metadata: YamlMap & { name: string; namespace?: string };
}

export function asManifest(value: unknown, where: string): Manifest {
  const metadata = isMap(value) ? value.metadata : undefined;
  if (
    !isMap(value) ||
    typeof value.apiVersion !== 'string' ||
    typeof value.kind !== 'string' ||
    !isMap(metadata) ||
    typeof metadata.name !== 'string'
  ) {
    throw new Error(`${where}: every document must have apiVersion, kind and metadata.name`);
  }
  return value as Manifest;
}

export const idOf = (manifest: Manifest): string => `${manifest.kind} ${manifest.metadata.name}`;

/** Kinds that live outside any namespace (the ones this repository could plausibly use). */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'PriorityClass',
  'StorageClass',
]);
