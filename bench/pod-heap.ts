import { repoRoot, type ServiceName } from '@smart-dairy/stack';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The Node options a service runs with in its pod: the manifest's NODE_OPTIONS, and the old-generation
 * limit Node 24 derives from the container's memory limit (half of it: 256 MiB at 512Mi, 384 at 768Mi,
 * measured in a memory cgroup of each size). Without them the bench's services would size their heaps
 * from the whole machine (4 GiB here) and measure a memory and GC behaviour no deployment has.
 */
export function podNodeArgs(service: ServiceName, manifestsDir = join(repoRoot, 'k8s', 'base')): string[] {
  const file = join(manifestsDir, `${service}.yaml`);
  const container = containerOf(readFileSync(file, 'utf8'), service);
  if (!container) throw new Error(`${file}: no Deployment container named ${service}`);
  const limit = container.resources?.limits?.memory;
  if (!limit) throw new Error(`${file}: ${service} has no memory limit`);
  const nodeOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  return [
    `--max-old-space-size=${Math.floor(mebibytes(limit) / 2)}`,
    ...nodeOptions.split(/\s+/).filter(Boolean),
  ];
}

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  resources?: { limits?: { memory?: string } };
}

function containerOf(text: string, service: string): Container | undefined {
  for (const doc of parseAllDocuments(text)) {
    const manifest = doc.toJS() as {
      kind?: string;
      spec?: { template?: { spec?: { containers?: Container[] } } };
    };
    if (manifest?.kind !== 'Deployment') continue;
    const found = manifest.spec?.template?.spec?.containers?.find((c) => c.name === service);
    if (found) return found;
  }
  return undefined;
}

const UNITS: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024 };

/** A Kubernetes memory quantity in binary units (`512Mi`, `1Gi`), in MiB. */
export function mebibytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`memory limit ${quantity}: expected a whole number of Ki, Mi or Gi`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}
