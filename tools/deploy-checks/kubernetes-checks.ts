import { SERVICES } from '@smart-dairy/stack';
import { CLUSTER_SCOPED_KINDS, idOf, type Manifest } from './manifest';
import { checkNetworkPolicies } from './network-policy-checks';
import { containerEnv, dataOf } from './pod-env';
import { selects, type Labels } from './selectors';
import { checkPodSecurity, checkServiceDeployment, type WorkloadCheckOptions } from './workload-checks';
import { isMap, listAt, mapAt, stringAt } from './yaml-files';

export type KubernetesCheckOptions = WorkloadCheckOptions;

/** Every problem of a rendered set of manifests; an empty list means it passes. */
export function checkKubernetes(manifests: Manifest[], options: KubernetesCheckOptions): string[] {
  const problems: string[] = [];
  const find = (kind: string, name: string) =>
    manifests.find((m) => m.kind === kind && m.metadata.name === name);
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  const jobs = manifests.filter((m) => m.kind === 'Job');

  const namespaces = manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name);
  if (namespaces.length !== 1) problems.push(`expected one Namespace, found ${namespaces.length}`);
  for (const m of manifests) {
    if (!CLUSTER_SCOPED_KINDS.has(m.kind) && m.metadata.namespace !== namespaces[0]) {
      problems.push(`${idOf(m)}: not in namespace ${namespaces[0]}`);
    }
  }

  for (const service of SERVICES) {
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget']) {
      if (!find(kind, service)) problems.push(`no ${kind} ${service}`);
    }
  }
  for (const deployment of deployments) {
    problems.push(...checkPodSecurity(deployment), ...checkServiceDeployment(deployment, manifests, options));
  }

  const migrations = jobs.filter((job) =>
    containersOf(job).some((c) => /\/migrate[:@]/.test(String(c.image))),
  );
  if (migrations.length !== 1) {
    problems.push(`expected one migration Job (image .../migrate), found ${migrations.length}`);
  }
  for (const job of jobs) {
    problems.push(...checkPodSecurity(job));
    for (const container of containersOf(job)) {
      const { env, problems: refs } = containerEnv(container, manifests, job.metadata.namespace);
      problems.push(...refs.map((p) => `${idOf(job)}: ${p}`));
      if (!env.get('DATABASE_URL')?.fromSecret) {
        problems.push(`${idOf(job)}: DATABASE_URL does not come from a Secret`);
      }
    }
  }

  for (const service of manifests.filter((m) => m.kind === 'Service')) {
    const selector = { matchLabels: mapAt(service, 'spec', 'selector') ?? {} };
    const targets = deployments.filter((d) => selects(selector, podLabels(d)));
    if (targets.length !== 1) problems.push(`${idOf(service)}: selects ${targets.length} Deployments, not 1`);
    const containerPorts = targets.flatMap((d) => containersOf(d)).flatMap((c) => listAt(c, 'ports'));
    for (const port of listAt(service, 'spec', 'ports')) {
      const target = stringAt(port, 'targetPort') ?? stringAt(port, 'port');
      if (
        !containerPorts.some((p) => stringAt(p, 'name') === target || stringAt(p, 'containerPort') === target)
      ) {
        problems.push(`${idOf(service)}: targetPort ${target} is not a container port`);
      }
    }
  }

  for (const budget of manifests.filter((m) => m.kind === 'PodDisruptionBudget')) {
    if (!deployments.some((d) => selects(mapAt(budget, 'spec', 'selector'), podLabels(d)))) {
      problems.push(`${idOf(budget)}: selects no Deployment`);
    }
  }

  problems.push(
    ...checkScaling(manifests, find),
    ...checkNetworkPolicies(manifests),
    ...checkSecrets(manifests),
  );
  return problems;
}

function checkScaling(
  manifests: Manifest[],
  find: (kind: string, name: string) => Manifest | undefined,
): string[] {
  const problems: string[] = [];
  const scaled = new Map<string, string>();
  for (const scaler of manifests.filter(
    (m) => m.kind === 'HorizontalPodAutoscaler' || m.kind === 'ScaledObject',
  )) {
    const target = stringAt(scaler, 'spec', 'scaleTargetRef', 'name') ?? '';
    const deployment = find('Deployment', target);
    if (!deployment) {
      problems.push(`${idOf(scaler)}: scales Deployment ${target}, which does not exist`);
      continue;
    }
    const other = scaled.get(target);
    if (other) problems.push(`${idOf(scaler)}: Deployment ${target} is already scaled by ${other}`);
    scaled.set(target, idOf(scaler));
    if (mapAt(deployment, 'spec')?.replicas !== undefined) {
      problems.push(
        `${idOf(deployment)}: sets replicas although ${idOf(scaler)} owns the count (each apply would reset it)`,
      );
    }
    if (scaler.kind !== 'ScaledObject') continue;
    const container = containersOf(deployment)[0] ?? {};
    const brokers = containerEnv(container, manifests, deployment.metadata.namespace).env.get(
      'KAFKA_BROKERS',
    )?.value;
    for (const trigger of listAt(scaler, 'spec', 'triggers')) {
      const servers = stringAt(trigger, 'metadata', 'bootstrapServers');
      if (stringAt(trigger, 'type') === 'kafka' && servers !== brokers) {
        problems.push(
          `${idOf(scaler)}: bootstrapServers ${servers} is not the Deployment's KAFKA_BROKERS ${brokers}`,
        );
      }
    }
  }
  return problems;
}

/** The Secret in the repository is a template: every value must be an obvious placeholder. */
function checkSecrets(manifests: Manifest[]): string[] {
  return manifests
    .filter((m) => m.kind === 'Secret')
    .flatMap((secret) =>
      [...dataOf(secret)]
        .filter(([, value]) => !value.includes('CHANGE_ME'))
        .map(
          ([key]) =>
            `${idOf(secret)}: ${key} is not a CHANGE_ME placeholder (real secrets do not belong in git)`,
        ),
    );
}

function containersOf(workload: Manifest) {
  return listAt(workload, 'spec', 'template', 'spec', 'containers').filter(isMap);
}

export const podLabels = (workload: Manifest): Labels =>
  (mapAt(workload, 'spec', 'template', 'metadata', 'labels') ?? {}) as Labels;
