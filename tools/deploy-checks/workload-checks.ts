import { DEFAULT_PORTS, SERVICES, type ServiceName } from '@smart-dairy/stack';
import { envProblems, objectShape, type ConfigSchemas } from './config-schemas';
import { podSpecsOf, splitImage } from './kustomize';
import { idOf, type Manifest } from './manifest';
import { containerEnv, type EnvEntry } from './pod-env';
import { at, isMap, listAt, mapAt, stringAt, type YamlMap } from './yaml-files';

export interface WorkloadCheckOptions {
  readonly schemas: ConfigSchemas;
  /**
   * Valid example values (compose's) checked in place of a Secret's placeholders, so that the
   * whole configuration, production rules included, is parsed; without one a placeholder is skipped.
   */
  readonly standIns: (service: ServiceName) => Record<string, string>;
}

/** Kubernetes adds this much on top of the shutdown budget and the preStop pause before SIGKILL. */
const GRACE_MARGIN_MS = 5_000;
const PLACEHOLDER = 'CHANGE_ME';

const isService = (name: string): name is ServiceName => (SERVICES as readonly string[]).includes(name);

/** Pod-level and container-level rules every workload (the Deployments and the migration Job) obeys. */
export function checkPodSecurity(workload: Manifest): string[] {
  const problems: string[] = [];
  for (const spec of podSpecsOf(workload)) {
    const problem = (message: string) => problems.push(`${idOf(workload)}: ${message}`);
    const pod = mapAt(spec, 'securityContext');
    if (at(pod, 'runAsNonRoot') !== true) problem('pod securityContext.runAsNonRoot is not true');
    if (stringAt(pod, 'seccompProfile', 'type') !== 'RuntimeDefault') {
      problem('pod seccompProfile is not RuntimeDefault');
    }
    for (const container of listAt(spec, 'containers').filter(isMap)) {
      problems.push(
        ...containerProblems(spec, container).map(
          (p) => `${idOf(workload)} container ${String(container.name)}: ${p}`,
        ),
      );
    }
  }
  return problems;
}

function containerProblems(spec: YamlMap, container: YamlMap): string[] {
  const problems: string[] = [];
  const problem = (message: string) => problems.push(message);
  const image = stringAt(container, 'image');
  const { tag, digest } = splitImage(image ?? '');
  if (!image) problem('no image');
  else if (!digest && (!tag || tag === 'latest')) problem(`image ${image} has no fixed tag or digest`);
  const security = mapAt(container, 'securityContext');
  if (at(security, 'allowPrivilegeEscalation') !== false) problem('allowPrivilegeEscalation is not false');
  if (at(security, 'readOnlyRootFilesystem') !== true) problem('readOnlyRootFilesystem is not true');
  if (!listAt(security, 'capabilities', 'drop').includes('ALL')) problem('capabilities do not drop ALL');
  for (const kind of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      if (at(container, 'resources', kind, resource) === undefined) {
        problem(`no resources.${kind}.${resource}`);
      }
    }
  }
  if (!mountsEmptyDirAtTmp(spec, container)) {
    problem('/tmp is not an emptyDir (the root filesystem is read-only)');
  }
  return problems;
}

function mountsEmptyDirAtTmp(spec: YamlMap, container: YamlMap): boolean {
  const mount = listAt(container, 'volumeMounts').find((m) => stringAt(m, 'mountPath') === '/tmp');
  const volume = listAt(spec, 'volumes').find((v) => stringAt(v, 'name') === stringAt(mount, 'name'));
  return mount !== undefined && mapAt(volume, 'emptyDir') !== undefined;
}

/** Probes, metrics annotations, shutdown timing and the environment of one service's Deployment. */
export function checkServiceDeployment(
  deployment: Manifest,
  manifests: Manifest[],
  options: WorkloadCheckOptions,
): string[] {
  const name = deployment.metadata.name;
  if (!isService(name)) return [`${idOf(deployment)}: not one of the services (${SERVICES.join(', ')})`];
  const spec = podSpecsOf(deployment)[0];
  const container = listAt(spec, 'containers').filter(isMap)[0];
  if (!spec || !container) return [`${idOf(deployment)}: no pod template with a container`];
  const where = `${idOf(deployment)} container ${String(container.name)}`;
  const problems: string[] = [];

  const ports = listAt(container, 'ports').filter(isMap);
  const http = ports.find((p) => p.name === 'http');
  const httpPort = Number(http?.containerPort);
  if (!http) problems.push(`${where}: no container port named http`);
  // A NetworkPolicy sees ports, not paths: /metrics and /ready need a port of their own.
  const management = ports.find((p) => p.name === 'management');
  const managementPort = Number(management?.containerPort);
  if (!management) problems.push(`${where}: no container port named management (/health, /ready, /metrics)`);

  for (const [probe, path] of [
    ['readinessProbe', '/ready'],
    ['livenessProbe', '/health'],
  ] as const) {
    const get = mapAt(container, probe, 'httpGet');
    if (!mapAt(container, probe)) problems.push(`${where}: no ${probe}`);
    else if (stringAt(get, 'path') !== path) problems.push(`${where}: ${probe} does not GET ${path}`);
    else if (!ports.some((p) => p.name === get?.port || p.containerPort === get?.port)) {
      problems.push(`${where}: ${probe} port ${String(get?.port)} is not a container port`);
    } else if (management && get?.port !== 'management' && get?.port !== managementPort) {
      problems.push(`${where}: ${probe} does not use the management port`);
    }
  }

  const annotations = mapAt(deployment, 'spec', 'template', 'metadata', 'annotations') ?? {};
  const annotationProblem = (message: string) => problems.push(`${idOf(deployment)}: ${message}`);
  if (annotations['prometheus.io/scrape'] !== 'true') {
    annotationProblem('no prometheus.io/scrape "true" annotation');
  }
  if (annotations['prometheus.io/path'] !== '/metrics') {
    annotationProblem('prometheus.io/path is not /metrics');
  }
  if (Number(annotations['prometheus.io/port']) !== managementPort) {
    annotationProblem(`prometheus.io/port is not the management port ${managementPort}`);
  }

  const resolved = containerEnv(container, manifests, deployment.metadata.namespace);
  problems.push(...resolved.problems.map((p) => `${where}: ${p}`));
  const env = resolved.env;
  problems.push(...checkEssentials(env, httpPort, DEFAULT_PORTS[name]).map((p) => `${where}: ${p}`));
  if (management && Number(env.get('MANAGEMENT_PORT')?.value) !== managementPort) {
    problems.push(`${where}: MANAGEMENT_PORT is not the management container port ${managementPort}`);
  }
  problems.push(...checkConfiguration(name, env, options).map((p) => `${where}: ${p}`));

  const shutdownMs = Number(
    objectShape(options.schemas[name]).SHUTDOWN_TIMEOUT_MS?.parse(env.get('SHUTDOWN_TIMEOUT_MS')?.value),
  );
  const graceSeconds = Number(at(spec, 'terminationGracePeriodSeconds') ?? 30);
  const neededMs = preStopMs(container) + shutdownMs + GRACE_MARGIN_MS;
  if (!(graceSeconds * 1000 >= neededMs)) {
    problems.push(
      `${idOf(deployment)}: terminationGracePeriodSeconds ${graceSeconds} is shorter than preStop + SHUTDOWN_TIMEOUT_MS + ${GRACE_MARGIN_MS / 1000} s (${neededMs / 1000} s)`,
    );
  }
  return problems;
}

/** What every deployed service must be told, even where the schema has a (development) default. */
function checkEssentials(env: Map<string, EnvEntry>, httpPort: number, defaultPort: number): string[] {
  const problems: string[] = [];
  if (env.get('NODE_ENV')?.value !== 'production') problems.push('NODE_ENV is not production');
  if (!env.has('KAFKA_BROKERS')) problems.push('KAFKA_BROKERS is not set (the default is a local broker)');
  const database = env.get('DATABASE_URL');
  if (!database) problems.push('DATABASE_URL is not set (the default is a local database)');
  else if (!database.fromSecret) problems.push(`DATABASE_URL comes from ${database.source}, not a Secret`);
  // Unset, PORT is the service's default, which its image target also sets.
  if (Number(env.get('PORT')?.value ?? defaultPort) !== httpPort) {
    problems.push(`PORT is not the http container port ${httpPort}`);
  }
  if (['true', '1'].includes(env.get('ALLOW_PRIVATE_ENDPOINTS')?.value ?? '')) {
    problems.push(
      'ALLOW_PRIVATE_ENDPOINTS is on (only for local stacks: it allows private and plain-http endpoints)',
    );
  }
  return problems;
}

/** The service's own schema, run on its environment: missing required variables and rejected values. */
function checkConfiguration(
  name: ServiceName,
  env: Map<string, EnvEntry>,
  options: WorkloadCheckOptions,
): string[] {
  const values: Record<string, string> = {};
  const unverifiable = new Set<string>();
  const standIns = options.standIns(name);
  for (const [key, entry] of env) {
    const placeholder = entry.fromSecret && entry.value.includes(PLACEHOLDER);
    const standIn = standIns[key];
    if (placeholder && standIn === undefined) unverifiable.add(key);
    values[key] = placeholder && standIn !== undefined ? standIn : entry.value;
  }
  return envProblems(options.schemas[name], values, unverifiable).map((p) =>
    p.missing
      ? `${p.key} is required by apps/${name}/src/config.ts but not set (${p.message})`
      : `${p.key}${env.get(p.key)?.fromSecret ? '' : `=${env.get(p.key)?.value}`} is rejected: ${p.message}`,
  );
}

function preStopMs(container: YamlMap): number {
  const command = listAt(container, 'lifecycle', 'preStop', 'exec', 'command').map(String);
  const sleepAction = at(container, 'lifecycle', 'preStop', 'sleep', 'seconds');
  const seconds = command[0] === 'sleep' ? Number(command[1]) : Number(sleepAction ?? 0);
  return seconds * 1000;
}
