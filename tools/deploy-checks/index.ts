import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCompose, composeEnvironment, parseProperties } from './compose-checks';
import { generateComposeKeys, withGeneratedKeys } from './compose-keys';
import { loadConfigSchemas, type ConfigSchemas } from './config-schemas';
import { checkDockerfile, parseDockerfile } from './dockerfile-checks';
import { checkKubernetes } from './kubernetes-checks';
import { renderKustomization } from './kustomize';
import type { Manifest } from './manifest';
import { checkMonitoring } from './monitoring-checks';
import { readYamlFile } from './yaml-files';

export { CONFIGURED_APPS, loadConfigSchemas, objectShape, type ConfigSchemas } from './config-schemas';
export { checkDockerfile } from './dockerfile-checks';
export { kubectlAvailable, kubectlKustomize } from './kubectl';
export { renderKustomization } from './kustomize';
export { idOf } from './manifest';
export { alertNames, monitoringQueries, type MonitoringQuery } from './monitoring-checks';
export { metricNamesOf, seriesNamesOf } from './promql';

/** The repository's deployment files, and the schemas they are checked against (overridable, for tests). */
export interface DeploymentFiles {
  readonly root: string;
  readonly composeFile?: string;
  readonly schemas?: ConfigSchemas;
}

const schemasOf = (files: DeploymentFiles) => files.schemas ?? loadConfigSchemas(files.root);
const composeOf = (files: DeploymentFiles) =>
  readYamlFile(files.composeFile ?? join(files.root, 'docker-compose.yml'));

/** Problems of a kustomization (rendered by the built-in resolver, or given already rendered). */
export function kubernetesProblems(kustomization: string | Manifest[], files: DeploymentFiles): string[] {
  const manifests = typeof kustomization === 'string' ? renderKustomization(kustomization) : kustomization;
  const compose = composeOf(files);
  const keys = generateComposeKeys(compose);
  return [
    ...checkKubernetes(manifests, {
      schemas: schemasOf(files),
      // Compose's values, with the keys its keys service generates standing in for the Secret's.
      standIns: (service) => withGeneratedKeys(composeEnvironment(compose, service), keys).env,
    }),
    ...checkMonitoring(manifests),
  ];
}

export function composeProblems(files: DeploymentFiles): string[] {
  const { root } = files;
  const pom = readFileSync(join(root, 'tools', 'kafka', 'pom.xml'), 'utf8');
  const compose = composeOf(files);
  return checkCompose(compose, {
    schemas: schemasOf(files),
    keys: generateComposeKeys(compose),
    dockerTargets: new Set(
      parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')).map((s) => s.name),
    ),
    kafkaProperties: parseProperties(
      readFileSync(join(root, 'tools', 'kafka', 'server.properties.template'), 'utf8'),
    ),
    kafkaVersion: /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? '(not found in pom.xml)',
  });
}

export function dockerfileProblems(root: string): string[] {
  return checkDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'), {
    root,
    ignored: readFileSync(join(root, '.dockerignore'), 'utf8').split(/\r?\n/),
  });
}
