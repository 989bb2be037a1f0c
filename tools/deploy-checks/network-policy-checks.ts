import { podSpecsOf } from './kustomize';
import { idOf, type Manifest } from './manifest';
import { containerEnv } from './pod-env';
import { isEmptySelector, selects, type Labels } from './selectors';
import { isMap, listAt, mapAt, stringAt, type YamlMap } from './yaml-files';

/** Ranges an internet rule must carve out: private networks, loopback, link-local (cloud metadata), CGNAT. */
const PRIVATE_RANGES: Record<string, string[]> = {
  '0.0.0.0/0': [
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.168.0.0/16',
  ],
  '::/0': ['fc00::/7', 'fe80::/10'],
};
const WEB_PORTS = new Set(['443', '80']);
const INTERNET_POD = 'dispatcher';

interface Pod {
  readonly owner: string;
  readonly labels: Labels;
  /** The pod's HTTP port, when it serves one. */
  readonly httpPort?: number;
  /** Ports it must reach outside the cluster: Kafka's and Postgres', as its configuration names them. */
  readonly egressPorts: string[];
}

interface Policy {
  readonly name: string;
  readonly selector: unknown;
  readonly types: string[];
  readonly ingress: YamlMap[];
  readonly egress: YamlMap[];
}

export function checkNetworkPolicies(manifests: Manifest[]): string[] {
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy').map(toPolicy);
  const pods = manifests
    .filter((m) => m.kind === 'Deployment' || m.kind === 'Job')
    .map((m) => toPod(m, manifests));
  const problems: string[] = [];

  if (
    !policies.some(
      (p) => isEmptySelector(p.selector) && p.types.length === 2 && !p.ingress.length && !p.egress.length,
    )
  ) {
    problems.push('NetworkPolicy: no default deny of ingress and egress for every pod');
  }
  for (const pod of pods) {
    const applying = policies.filter((p) => selects(p.selector, pod.labels));
    const egress = applying.filter((p) => p.types.includes('Egress')).flatMap((p) => p.egress);
    if (!egress.some((rule) => allowsPort(rule, '53', 'UDP'))) {
      problems.push(`${pod.owner}: no egress to DNS (UDP 53)`);
    }
    for (const port of pod.egressPorts) {
      if (
        !egress.some(
          (rule) => allowsPort(rule, port, 'TCP') && listAt(rule, 'to').some((to) => mapAt(to, 'ipBlock')),
        )
      ) {
        problems.push(`${pod.owner}: no egress to TCP ${port} (Kafka or Postgres, as configured)`);
      }
    }
    if (pod.httpPort !== undefined) {
      const ingress = applying.filter((p) => p.types.includes('Ingress')).flatMap((p) => p.ingress);
      if (
        !ingress.some(
          (rule) => allowsPort(rule, 'http', 'TCP') || allowsPort(rule, String(pod.httpPort), 'TCP'),
        )
      ) {
        problems.push(`${pod.owner}: no ingress to its http port`);
      }
    }
  }

  for (const policy of policies) {
    for (const rule of policy.egress.filter(isInternet)) {
      const selected = pods.filter((pod) => selects(policy.selector, pod.labels));
      const others = selected.filter((pod) => pod.labels['app.kubernetes.io/name'] !== INTERNET_POD);
      if (isEmptySelector(policy.selector) || others.length > 0) {
        const who = isEmptySelector(policy.selector) ? 'every pod' : others.map((p) => p.owner).join(', ');
        problems.push(
          `NetworkPolicy ${policy.name}: lets ${who} reach the internet; only the ${INTERNET_POD} may`,
        );
      }
      problems.push(...internetRuleProblems(policy.name, rule));
    }
  }
  const dispatcher = pods.find((pod) => pod.labels['app.kubernetes.io/name'] === INTERNET_POD);
  const dispatcherEgress = policies
    .filter((p) => dispatcher && selects(p.selector, dispatcher.labels))
    .flatMap((p) => p.egress);
  if (dispatcher && !dispatcherEgress.some((rule) => isInternet(rule) && allowsPort(rule, '443', 'TCP'))) {
    problems.push(`${dispatcher.owner}: no egress to the internet on 443 (partner endpoints)`);
  }
  return problems;
}

function toPolicy(manifest: Manifest): Policy {
  const spec = mapAt(manifest, 'spec') ?? {};
  const egress = listAt(spec, 'egress').filter(isMap);
  const declared = listAt(spec, 'policyTypes').map(String);
  return {
    name: manifest.metadata.name,
    selector: spec.podSelector,
    // The API's default: Ingress always, Egress once there are egress rules.
    types: declared.length ? declared : ['Ingress', ...(egress.length ? ['Egress'] : [])],
    ingress: listAt(spec, 'ingress').filter(isMap),
    egress,
  };
}

function toPod(workload: Manifest, manifests: Manifest[]): Pod {
  const labels = (mapAt(workload, 'spec', 'template', 'metadata', 'labels') ?? {}) as Labels;
  const container = listAt(podSpecsOf(workload)[0], 'containers').filter(isMap)[0] ?? {};
  const { env } = containerEnv(container, manifests, workload.metadata.namespace);
  const http = listAt(container, 'ports').find((p) => stringAt(p, 'name') === 'http');
  const brokers = env.get('KAFKA_BROKERS')?.value.split(',') ?? [];
  const database = env.get('DATABASE_URL')?.value;
  const egressPorts = new Set(brokers.map((broker) => broker.trim().split(':').pop() ?? ''));
  if (database) egressPorts.add(databasePort(database));
  return {
    owner: idOf(workload),
    labels,
    httpPort: http ? Number(stringAt(http, 'containerPort')) : undefined,
    egressPorts: [...egressPorts].filter(Boolean),
  };
}

function databasePort(url: string): string {
  try {
    return new URL(url).port || '5432';
  } catch {
    return '5432';
  }
}

/** A rule allows a port when it lists no ports (all of them) or lists this one. */
function allowsPort(rule: YamlMap, port: string, protocol: string): boolean {
  const ports = listAt(rule, 'ports');
  return (
    ports.length === 0 ||
    ports.some((p) => stringAt(p, 'port') === port && (stringAt(p, 'protocol') ?? 'TCP') === protocol)
  );
}

/** No destination at all, or an ipBlock covering every address. */
function isInternet(rule: YamlMap): boolean {
  const to = listAt(rule, 'to');
  return to.length === 0 || to.some((peer) => stringAt(peer, 'ipBlock', 'cidr')?.endsWith('/0'));
}

function internetRuleProblems(policy: string, rule: YamlMap): string[] {
  const problems: string[] = [];
  const where = `NetworkPolicy ${policy}`;
  const ports = listAt(rule, 'ports').map((p) => stringAt(p, 'port') ?? '');
  if (ports.length === 0 || ports.some((port) => !WEB_PORTS.has(port))) {
    problems.push(
      `${where}: internet egress must be limited to ports 443 (and 80), not ${ports.join(', ') || 'all'}`,
    );
  }
  const blocks = listAt(rule, 'to').map((peer) => mapAt(peer, 'ipBlock'));
  if (blocks.length === 0 || blocks.some((block) => !block)) {
    problems.push(`${where}: internet egress must be an ipBlock, so that private ranges can be excluded`);
  }
  for (const block of blocks.filter(isMap)) {
    const cidr = stringAt(block, 'cidr') ?? '';
    const except = listAt(block, 'except').map(String);
    const missing = (PRIVATE_RANGES[cidr] ?? []).filter((range) => !except.includes(range));
    if (missing.length) problems.push(`${where}: ${cidr} does not exclude ${missing.join(', ')}`);
  }
  return problems;
}
