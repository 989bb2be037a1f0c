import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { applyJsonPatch } from './json-patch';
import { CLUSTER_SCOPED_KINDS, asManifest, idOf, type Manifest } from './manifest';
import { strategicMerge } from './strategic-merge';
import { isMap, listAt, mapAt, readYamlDocuments, readYamlFile, stringAt } from './yaml-files';

/** The kustomization fields this resolver implements; any other field fails the render. */
const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'patches',
  'images',
  'configMapGenerator',
]);

/**
 * Renders a kustomization the way `kubectl kustomize` does for the subset used in k8s/: resources
 * (files and directories), strategic-merge patches by kind and name (`$patch: delete` included),
 * JSON patches (`add`) given a target kind and name, images, namespace, and ConfigMaps generated from files
 * without a name suffix. Missing files and unsupported features throw rather than render less.
 */
export function renderKustomization(dir: string): Manifest[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  const kustomization = readYamlFile(file);
  if (!isMap(kustomization)) throw new Error(`${file} is not a YAML map`);
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) {
      throw new Error(`${file}: field "${field}" is not supported by this resolver`);
    }
  }

  let manifests = listAt(kustomization, 'resources').flatMap((entry) => {
    const path = resolve(dir, String(entry));
    if (!existsSync(path)) throw new Error(`${file}: resource ${String(entry)} does not exist`);
    if (statSync(path).isDirectory()) return renderKustomization(path);
    return readYamlDocuments(path).map((doc, i) =>
      asManifest(doc, `${relative(dir, path)} document ${i + 1}`),
    );
  });
  manifests.push(...generatedConfigMaps(kustomization, dir, file));
  ensureUnique(manifests, file);

  for (const entry of listAt(kustomization, 'patches')) {
    const patchFile = isMap(entry) && typeof entry.path === 'string' ? resolve(dir, entry.path) : undefined;
    const target = isMap(entry) ? entry.target : undefined;
    const fields = Object.keys(entry as object).length;
    if (!patchFile || fields !== (target === undefined ? 1 : 2)) {
      throw new Error(`${file}: only patches given as { path } or { path, target } are supported`);
    }
    if (!existsSync(patchFile)) throw new Error(`${file}: patch ${relative(dir, patchFile)} does not exist`);
    if (target !== undefined) {
      manifests = applyTargetedPatch(manifests, target, readYamlFile(patchFile), relative(dir, patchFile));
      continue;
    }
    for (const [i, doc] of readYamlDocuments(patchFile).entries()) {
      manifests = applyPatch(manifests, doc, `${relative(dir, patchFile)} document ${i + 1}`);
    }
  }

  const namespace = stringAt(kustomization, 'namespace');
  if (namespace !== undefined) {
    manifests = manifests.map((m) =>
      CLUSTER_SCOPED_KINDS.has(m.kind) ? m : { ...m, metadata: { ...m.metadata, namespace } },
    );
  }

  for (const image of listAt(kustomization, 'images')) {
    if (!isMap(image) || typeof image.name !== 'string') {
      throw new Error(`${file}: an image entry has no name`);
    }
    manifests = manifests.map((m) => setImage(m, image.name as string, image));
  }
  return manifests;
}

/** `configMapGenerator` entries of `files` (`key=path` or `path`, keyed by its file name), with options.labels. */
function generatedConfigMaps(kustomization: Record<string, unknown>, dir: string, file: string): Manifest[] {
  return listAt(kustomization, 'configMapGenerator').map((entry) => {
    const name = stringAt(entry, 'name');
    const options = mapAt(entry, 'options') ?? {};
    if (
      !isMap(entry) ||
      !name ||
      Object.keys(entry).some((key) => !['name', 'files', 'options'].includes(key)) ||
      Object.keys(options).some((key) => !['disableNameSuffixHash', 'labels'].includes(key)) ||
      options.disableNameSuffixHash !== true
    ) {
      throw new Error(
        `${file}: a configMapGenerator is supported with name, files and options { disableNameSuffixHash: true, labels } only`,
      );
    }
    const data = Object.fromEntries(
      listAt(entry, 'files').map((source) => {
        const [key, path] = String(source).includes('=')
          ? (String(source).split('=', 2) as [string, string])
          : [basename(String(source)), String(source)];
        const full = resolve(dir, path);
        if (!existsSync(full))
          throw new Error(`${file}: configMapGenerator ${name} file ${path} does not exist`);
        return [key, readFileSync(full, 'utf8')];
      }),
    );
    const labels = mapAt(options, 'labels');
    return asManifest(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data },
      `${file} configMapGenerator ${name}`,
    );
  });
}

function ensureUnique(manifests: Manifest[], file: string): void {
  const seen = new Set<string>();
  for (const manifest of manifests) {
    const id = `${idOf(manifest)} ${manifest.metadata.namespace ?? ''}`;
    if (seen.has(id)) throw new Error(`${file}: ${idOf(manifest)} is defined twice`);
    seen.add(id);
  }
}

function applyPatch(manifests: Manifest[], doc: unknown, where: string): Manifest[] {
  const deletion = isMap(doc) && doc.$patch === 'delete';
  const patch = deletion ? { ...(doc as object), $patch: undefined } : doc;
  const target = asManifest(JSON.parse(JSON.stringify(patch)), where);
  const matches = manifests.filter(
    (m) =>
      m.kind === target.kind &&
      m.metadata.name === target.metadata.name &&
      (target.metadata.namespace === undefined || m.metadata.namespace === target.metadata.namespace),
  );
  if (matches.length !== 1) throw new Error(`${where}: patch matches ${matches.length} objects, not 1`);
  const [match] = matches as [Manifest];
  if (deletion) return manifests.filter((m) => m !== match);
  return manifests.map((m) => (m === match ? (strategicMerge(m, target) as Manifest) : m));
}

function applyTargetedPatch(
  manifests: Manifest[],
  target: unknown,
  patch: unknown,
  where: string,
): Manifest[] {
  const kind = stringAt(target, 'kind');
  const name = stringAt(target, 'name');
  if (
    !isMap(target) ||
    Object.keys(target).some((key) => key !== 'kind' && key !== 'name') ||
    !kind ||
    !name
  ) {
    throw new Error(`${where}: a patch target must be given as { kind, name }`);
  }
  const matches = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (matches.length !== 1) throw new Error(`${where}: target matches ${matches.length} objects, not 1`);
  return manifests.map((m) => (m === matches[0] ? applyJsonPatch(m, patch, where) : m));
}

/** The pod specs of a workload, wherever its kind keeps them. */
export function podSpecsOf(manifest: Manifest): Record<string, unknown>[] {
  const candidates = [
    manifest.kind === 'Pod' ? manifest.spec : undefined,
    isMap(manifest.spec) && isMap(manifest.spec.template) ? manifest.spec.template.spec : undefined,
    isMap(manifest.spec) && isMap(manifest.spec.jobTemplate) && isMap(manifest.spec.jobTemplate.spec)
      ? isMap(manifest.spec.jobTemplate.spec.template)
        ? manifest.spec.jobTemplate.spec.template.spec
        : undefined
      : undefined,
  ];
  return candidates.filter(isMap);
}

function setImage(manifest: Manifest, name: string, image: Record<string, unknown>): Manifest {
  const copy = JSON.parse(JSON.stringify(manifest)) as Manifest;
  for (const spec of podSpecsOf(copy)) {
    for (const container of [...listAt(spec, 'containers'), ...listAt(spec, 'initContainers')]) {
      if (!isMap(container) || typeof container.image !== 'string') continue;
      const { name: current, tag, digest } = splitImage(container.image);
      if (current !== name) continue;
      const newName = typeof image.newName === 'string' ? image.newName : current;
      if (typeof image.digest === 'string') container.image = `${newName}@${image.digest}`;
      else if (image.newTag !== undefined) container.image = `${newName}:${String(image.newTag)}`;
      else container.image = `${newName}${digest ? `@${digest}` : tag ? `:${tag}` : ''}`;
    }
  }
  return copy;
}

/** `registry:5000/a/b:tag@sha256:...` into its name, tag and digest. */
export function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest = '', digest] = image.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1
    ? { name: withoutDigest, digest }
    : { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
}
