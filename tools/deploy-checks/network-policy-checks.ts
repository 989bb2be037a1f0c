import { NON_PUBLIC_CIDRS, cidrContains } from '@smart-dairy/ssrf';
import { podSpecsOf } from './kustomize';
import { idOf, type Manifest } from './manifest';
import { containerEnv } from './pod-env';
import { isEmptySelector, selects, type Labels } from './selectors';
import { isMap, listAt, mapAt, stringAt, type YamlMap } from './yaml-files';

const WEB_PORTS = new Set(['443', '80']);
const INTERNET_POD = 'dispatcher';
/** The services with a /v1 API on their http port; the dispatcher has none. */
const API_PODS = new Set(['subscriptions', 'ingestion', 'dlq-review']);
const MONITORING_NAMESPACE = 'monitoring';

interface Pod {
  readonly owner: string;
  readonly labels: Labels;
  /** The pod's HTTP port, when it serves one. */
  readonly httpPort?: number;
  /** Its port for /health, /ready and /metrics, when it has one. */
  readonly managementPort?: number;
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
    const ingress = applying.filter((p) => p.types.includes('Ingress'));
    const reaching = (name: string, port: number | undefined) =>
      ingress.flatMap((p) =>
        p.ingress
          .filter((rule) => allowsPort(rule, name, 'TCP') || allowsPort(rule, String(port), 'TCP'))
          .map((rule) => ({ policy: p.name, rule })),
      );
    const api = pod.labels['app.kubernetes.io/name'] ?? '';
    if (pod.httpPort !== undefined && API_PODS.has(api) && reaching('http', pod.httpPort).length === 0) {
      problems.push(`${pod.owner}: no ingress to its http port`);
    }
    if (pod.managementPort !== undefined) {
      const management = reaching('management', pod.managementPort);
      if (management.length === 0)
        problems.push(`${pod.owner}: no ingress to its management port from monitoring`);
      for (const { policy } of management.filter(({ rule }) => !fromMonitoringOnly(rule))) {
        problems.push(
          `NetworkPolicy ${policy}: lets more than the ${MONITORING_NAMESPACE} namespace reach ${pod.owner}'s management port (/metrics, /ready)`,
        );
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
  const management = listAt(container, 'ports').find((p) => stringAt(p, 'name') === 'management');
  const brokers = env.get('KAFKA_BROKERS')?.value.split(',') ?? [];
  const database = env.get('DATABASE_URL')?.value;
  const egressPorts = new Set(brokers.map((broker) => broker.trim().split(':').pop() ?? ''));
  if (database) egressPorts.add(databasePort(database));
  return {
    owner: idOf(workload),
    labels,
    httpPort: http ? Number(stringAt(http, 'containerPort')) : undefined,
    managementPort: management ? Number(stringAt(management, 'containerPort')) : undefined,
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

/** Only pods of the monitoring namespace, by its name label. */
function fromMonitoringOnly(rule: YamlMap): boolean {
  const from = listAt(rule, 'from');
  return (
    from.length > 0 &&
    from.every(
      (peer) =>
        isMap(peer) &&
        Object.keys(peer).length === 1 &&
        stringAt(peer, 'namespaceSelector', 'matchLabels', 'kubernetes.io/metadata.name') ===
          MONITORING_NAMESPACE &&
        Object.keys(mapAt(peer, 'namespaceSelector') ?? {}).length === 1,
    )
  );
}

/** No destination at all, or an ipBlock wider than any one network's (/8 for IPv4, /16 for IPv6). */
function isInternet(rule: YamlMap): boolean {
  const to = listAt(rule, 'to');
  return (
    to.length === 0 ||
    to.some((peer) => {
      const [address, length] = (stringAt(peer, 'ipBlock', 'cidr') ?? '').split('/');
      return address !== undefined && Number(length) < (address.includes(':') ? 16 : 8);
    })
  );
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
  for (const block of blocks.filter(isMap)) problems.push(...blockProblems(where, block));
  return problems;
}

/** An ipBlock reaches no address libs/ssrf refuses (the same list, as CIDRs). */
function blockProblems(where: string, block: YamlMap): string[] {
  const cidr = stringAt(block, 'cidr') ?? '';
  const except = listAt(block, 'except').map(String);
  const ipv6 = cidr.includes(':');
  const problems = except
    .filter((range) => range.includes(':') !== ipv6 || !cidrContains(cidr, range) || range === cidr)
    .map((range) => `${where}: except ${range} is not a strict subset of ${cidr} (Kubernetes refuses it)`);
  if (ipv6 && !NON_PUBLIC_CIDRS.ipv6Public.some((range) => cidrContains(range, cidr))) {
    problems.push(
      `${where}: ${cidr} reaches beyond ${NON_PUBLIC_CIDRS.ipv6Public.join(', ')}, the only public IPv6`,
    );
  }
  const refused = ipv6 ? NON_PUBLIC_CIDRS.ipv6 : NON_PUBLIC_CIDRS.ipv4;
  const missing = refused.filter(
    (range) => cidrContains(cidr, range) && !except.some((listed) => cidrContains(listed, range)),
  );
  if (missing.length) problems.push(`${where}: ${cidr} does not exclude ${missing.join(', ')}`);
  return problems;
}
