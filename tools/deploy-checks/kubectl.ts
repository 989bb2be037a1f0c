import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { asManifest, type Manifest } from './manifest';

/** True when a kubectl with built-in Kustomize is on PATH (it renders offline, no cluster needed). */
export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** `kubectl kustomize <dir>`, parsed; throws with kubectl's message when it fails. */
export function kubectlKustomize(dir: string): Manifest[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr || result.error}`);
  }
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as unknown)
    .filter((doc) => doc !== null)
    .map((doc, i) => asManifest(doc, `kubectl kustomize ${dir} document ${i + 1}`));
}
