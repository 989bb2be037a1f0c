import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlAvailable, kubectlKustomize } from './kubectl';
import { renderKustomization, splitImage } from './kustomize';
import type { Manifest } from './manifest';
import { strategicMerge } from './strategic-merge';

const k8s = join(__dirname, '..', '..', 'k8s');
const byId = (manifests: Manifest[]) =>
  new Map(manifests.map((m) => [`${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`, m]));

describe('kustomization resolver', () => {
  const withKubectl = kubectlAvailable() ? it.each : it.skip.each;
  withKubectl([
    ['k8s'],
    ['k8s/base'],
    ['k8s/overlays/example'],
    ['k8s/overlays/keda'],
    ['k8s/overlays/monitoring'],
  ])('renders %s exactly as kubectl kustomize does', (dir) => {
    const path = join(k8s, '..', dir);
    expect(byId(renderKustomization(path))).toEqual(byId(kubectlKustomize(path)));
  });

  describe('in a copy of k8s/', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(join(tmpdir(), 'k8s-'));
      cpSync(k8s, copy, { recursive: true });
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    it('fails loudly when a resource file is missing', () => {
      rmSync(join(copy, 'base', 'dispatcher.yaml'));
      expect(() => renderKustomization(copy)).toThrow(/resource dispatcher\.yaml does not exist/);
    });

    it('fails loudly when a patch file is missing', () => {
      rmSync(join(copy, 'overlays', 'example', 'config.yaml'));
      expect(() => renderKustomization(copy)).toThrow(/patch config\.yaml does not exist/);
    });

    it('refuses JSON patch operations it does not implement, and paths that do not exist', () => {
      const patch = join(copy, 'overlays', 'example', 'cluster-networks.yaml');
      writeFileSync(patch, '- op: remove\n  path: /spec/egress/0\n');
      expect(() => renderKustomization(copy)).toThrow(/only \{ op: add, path, value \} operations/);
      writeFileSync(patch, '- op: add\n  path: /spec/egress/5/to/-\n  value: x\n');
      expect(() => renderKustomization(copy)).toThrow(/\/spec\/egress\/5\/to\/- does not exist/);
    });

    it('fails loudly when a file of a generated ConfigMap is missing', () => {
      rmSync(join(copy, 'overlays', 'monitoring', 'dashboards', 'delivery-pipeline.json'));
      expect(() => renderKustomization(join(copy, 'overlays', 'monitoring'))).toThrow(
        /configMapGenerator smart-dairy-grafana-dashboards file dashboards\/delivery-pipeline\.json does not exist/,
      );
    });

    it('refuses generated ConfigMaps whose names kubectl would suffix with a hash', () => {
      const file = join(copy, 'overlays', 'monitoring', 'kustomization.yaml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace('disableNameSuffixHash: true', 'disableNameSuffixHash: false'),
      );
      expect(() => renderKustomization(join(copy, 'overlays', 'monitoring'))).toThrow(
        /configMapGenerator is supported with name, files and options \{ disableNameSuffixHash: true, labels \} only/,
      );
    });

    it('refuses kustomization features it does not implement', () => {
      writeFileSync(join(copy, 'kustomization.yaml'), 'resources: [overlays/example]\nnamePrefix: x-\n');
      expect(() => renderKustomization(copy)).toThrow(/field "namePrefix" is not supported/);
    });
  });
});

describe('strategicMerge', () => {
  it.each([
    ['maps merge key by key', { a: 1, b: { c: 2 } }, { b: { d: 3 } }, { a: 1, b: { c: 2, d: 3 } }],
    ['null deletes a key', { a: 1, b: 2 }, { b: null }, { a: 1 }],
    [
      'lists without a merge key are replaced',
      { egress: [{ a: 1 }] },
      { egress: [{ b: 2 }] },
      { egress: [{ b: 2 }] },
    ],
    [
      'containers merge by name, env by name',
      { containers: [{ name: 'a', image: 'x', env: [{ name: 'A', value: '1' }] }, { name: 'b' }] },
      { containers: [{ name: 'a', env: [{ name: 'B', value: '2' }] }] },
      {
        containers: [
          {
            name: 'a',
            image: 'x',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
          { name: 'b' },
        ],
      },
    ],
    [
      'container ports merge by containerPort',
      { ports: [{ containerPort: 1, name: 'a' }] },
      { ports: [{ containerPort: 2, name: 'b' }] },
      {
        ports: [
          { containerPort: 1, name: 'a' },
          { containerPort: 2, name: 'b' },
        ],
      },
    ],
  ])('%s', (_case, target, patch, expected) => {
    expect(strategicMerge(target, patch)).toEqual(expected);
  });

  it('refuses directives it does not implement', () => {
    expect(() => strategicMerge({ a: [] }, { a: [{ $patch: 'replace' }] })).toThrow(
      /unsupported patch directive/,
    );
  });
});

describe('splitImage', () => {
  it.each([
    ['app', { name: 'app' }],
    ['app:1.0', { name: 'app', tag: '1.0' }],
    ['registry:5000/a/app:1.0', { name: 'registry:5000/a/app', tag: '1.0' }],
    ['app@sha256:abc', { name: 'app', digest: 'sha256:abc' }],
  ])('%s', (image, expected) => {
    expect(JSON.parse(JSON.stringify(splitImage(image)))).toEqual(expected);
  });
});
