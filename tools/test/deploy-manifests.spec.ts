import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, type Document } from 'yaml';
import { NON_PUBLIC_CIDRS, cidrContains } from '@smart-dairy/ssrf';
import { z } from 'zod';
import {
  alertNames,
  checkDockerfile,
  composeProblems,
  dockerfileProblems,
  idOf,
  kubectlAvailable,
  kubectlKustomize,
  kubernetesProblems,
  loadConfigSchemas,
  metricNamesOf,
  monitoringQueries,
  objectShape,
  renderKustomization,
} from '../deploy-checks';

// Static checks of Dockerfile, docker-compose.yml and k8s/ (no Docker engine or cluster needed),
// against the services' real configuration schemas from dist/ (built by `npm test` first).
const root = join(__dirname, '..', '..');
const files = { root };
const withKubectl = kubectlAvailable() ? it.each : it.skip.each;

/** Edits the YAML documents of a file in place, comments kept. */
function editYaml(file: string, edit: (documents: Document[]) => void): void {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true }) as Document[];
  edit(documents);
  writeFileSync(file, documents.map((d) => d.toString()).join('---\n'));
}

const OVERLAYS = [['k8s'], ['k8s/overlays/keda'], ['k8s/overlays/monitoring']];

describe('deployment files', () => {
  it.each(OVERLAYS)('%s passes every check', (dir) => {
    expect(kubernetesProblems(join(root, dir), files)).toEqual([]);
  });

  withKubectl(OVERLAYS)("kubectl kustomize's rendering of %s passes too", (dir) => {
    expect(kubernetesProblems(kubectlKustomize(join(root, dir)), files)).toEqual([]);
  });

  it('docker-compose.yml passes every check', () => {
    expect(composeProblems(files)).toEqual([]);
  });

  it('the Dockerfile passes every check', () => {
    expect(dockerfileProblems(root)).toEqual([]);
  });
});

describe("the dispatcher's internet egress", () => {
  const excepts = (dir: string) => {
    const policy = renderKustomization(join(root, dir)).find(
      (m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'dispatcher-internet-egress',
    );
    const blocks = (policy?.spec as { egress: { to: { ipBlock: { cidr: string; except: string[] } }[] }[] })
      .egress[0]!.to;
    return Object.fromEntries(blocks.map(({ ipBlock }) => [ipBlock.cidr, ipBlock.except]));
  };

  it("excludes exactly libs/ssrf's refused ranges in the base, and public IPv6 only", () => {
    const inside = (cidr: string, ranges: readonly string[]) => ranges.filter((r) => cidrContains(cidr, r));
    expect(excepts('k8s/base')).toEqual({
      '0.0.0.0/0': [...NON_PUBLIC_CIDRS.ipv4],
      '2000::/3': inside('2000::/3', NON_PUBLIC_CIDRS.ipv6),
    });
    expect(NON_PUBLIC_CIDRS.ipv6Public).toEqual(['2000::/3']);
  });

  it("excludes the cluster's own pod and service ranges that the overlay sets", () => {
    const patch = parseAllDocuments(
      readFileSync(join(root, 'k8s/overlays/example/cluster-networks.yaml'), 'utf8'),
    ).flatMap((d) => d.toJS() as { path: string; value: string }[]);
    const added = (index: number) =>
      patch.filter((op) => op.path.includes(`/to/${index}/`)).map((op) => op.value);
    const base = excepts('k8s/base');
    expect(added(0).length).toBeGreaterThan(0);
    expect(added(1).length).toBeGreaterThan(0);
    expect(excepts('k8s')).toEqual({
      '0.0.0.0/0': [...base['0.0.0.0/0']!, ...added(0)],
      '2000::/3': [...base['2000::/3']!, ...added(1)],
    });
  });
});

describe('the monitoring overlay', () => {
  const manifests = renderKustomization(join(root, 'k8s/overlays/monitoring'));
  const queried = new Set(monitoringQueries(manifests).flatMap(({ expr }) => metricNamesOf(expr)));

  it('adds a PodMonitor, the alert rules and the dashboard to the example environment', () => {
    const example = renderKustomization(join(root, 'k8s')).map(idOf);
    expect(
      manifests
        .map(idOf)
        .filter((id) => !example.includes(id))
        .sort(),
    ).toEqual([
      'ConfigMap smart-dairy-grafana-dashboards',
      'PodMonitor smart-dairy-webhooks',
      'PrometheusRule smart-dairy-webhooks',
    ]);
  });

  it('alerts on backlog age, dead-letter rate, consumer lag, open breakers and services not ready', () => {
    expect(alertNames(manifests)).toEqual(
      expect.arrayContaining([
        'WebhookBacklogOld',
        'WebhookDeadLetterRateHigh',
        'WebhookConsumerLagHigh',
        'WebhookBreakersOpen',
        'WebhookServiceNotReady',
        'WebhookServiceAbsent',
      ]),
    );
  });

  it('queries each operator metric of issue #21 somewhere', () => {
    for (const name of [
      'dispatcher_backlog_age_seconds',
      'dispatcher_backlog_oldest_age_seconds',
      'dispatcher_end_to_end_latency_seconds_bucket',
      'dispatcher_attempts_total',
      'dispatcher_breaker_state',
      'dispatcher_breakers',
      'dispatcher_retry_queue_depth',
      'dlq_entries',
      'service_ready',
    ]) {
      expect([name, queried.has(name)]).toEqual([name, true]);
    }
  });
});

describe('the deployment checks catch', () => {
  let copy: string;
  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'deploy-checks-'));
    cpSync(join(root, 'k8s'), join(copy, 'k8s'), { recursive: true });
    cpSync(join(root, 'docker-compose.yml'), join(copy, 'docker-compose.yml'));
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  const k8sProblems = (schemas = loadConfigSchemas(root)) =>
    kubernetesProblems(join(copy, 'k8s'), { root, composeFile: join(copy, 'docker-compose.yml'), schemas });
  const monitoringProblems = () =>
    kubernetesProblems(join(copy, 'k8s/overlays/monitoring'), {
      root,
      composeFile: join(copy, 'docker-compose.yml'),
    });
  const copiedComposeProblems = () =>
    composeProblems({ root, composeFile: join(copy, 'docker-compose.yml') });

  it('a Deployment without its readiness probe', () => {
    editYaml(join(copy, 'k8s/base/dispatcher.yaml'), ([deployment]) =>
      deployment!.deleteIn(['spec', 'template', 'spec', 'containers', 0, 'readinessProbe']),
    );
    expect(k8sProblems()).toEqual(['Deployment dispatcher container dispatcher: no readinessProbe']);
  });

  it('a ConfigMap without KAFKA_BROKERS', () => {
    for (const file of ['k8s/base/config.yaml', 'k8s/overlays/example/config.yaml']) {
      editYaml(join(copy, file), ([configMap]) => configMap!.deleteIn(['data', 'KAFKA_BROKERS']));
    }
    expect(k8sProblems()).toEqual(
      ['subscriptions', 'ingestion', 'dispatcher', 'dlq-review'].map(
        (s) => `Deployment ${s} container ${s}: KAFKA_BROKERS is not set (the default is a local broker)`,
      ),
    );
  });

  it('a Secret without the key ring that production requires', () => {
    editYaml(join(copy, 'k8s/base/secret.yaml'), ([secret]) =>
      secret!.deleteIn(['stringData', 'SECRET_ENCRYPTION_KEYS']),
    );
    expect(k8sProblems()).toEqual(
      ['subscriptions', 'dispatcher'].flatMap((s) => [
        `Deployment ${s} container ${s}: SECRET_ENCRYPTION_KEYS refers to Secret smart-dairy-secrets key SECRET_ENCRYPTION_KEYS, which does not exist`,
        expect.stringMatching(
          new RegExp(
            `^Deployment ${s} container ${s}: SECRET_ENCRYPTION_KEYS is required by apps/${s}/src/config\\.ts but not set`,
          ),
        ),
      ]),
    );
  });

  it('a variable a service schema starts requiring, in Kubernetes and in compose', () => {
    const schemas = loadConfigSchemas(root);
    const grown = {
      ...schemas,
      ingestion: z.object({ ...objectShape(schemas.ingestion), NEW_SETTING: z.string() }),
    };
    const message = 'NEW_SETTING is required by apps/ingestion/src/config.ts but not set (required, not set)';
    expect(k8sProblems(grown)).toEqual([`Deployment ingestion container ingestion: ${message}`]);
    expect(composeProblems({ root, schemas: grown })).toEqual([`compose service ingestion: ${message}`]);
  });

  it('internet egress for a pod other than the dispatcher', () => {
    editYaml(join(copy, 'k8s/base/network-policies.yaml'), (policies) => {
      const internet = policies.find((p) => p.getIn(['metadata', 'name']) === 'dispatcher-internet-egress')!;
      internet.setIn(['spec', 'podSelector', 'matchLabels', 'app.kubernetes.io/name'], 'ingestion');
    });
    expect(k8sProblems()).toEqual([
      'NetworkPolicy dispatcher-internet-egress: lets Deployment ingestion reach the internet; only the dispatcher may',
      'Deployment dispatcher: no egress to the internet on 443 (partner endpoints)',
    ]);
  });

  it('internet egress that reaches a range libs/ssrf refuses, or all of IPv6', () => {
    editYaml(join(copy, 'k8s/base/network-policies.yaml'), (policies) => {
      const internet = policies.find((p) => p.getIn(['metadata', 'name']) === 'dispatcher-internet-egress')!;
      const to = ['spec', 'egress', 0, 'to'];
      const ipv4 = internet.getIn([...to, 0, 'ipBlock', 'except']) as { items: { value: string }[] };
      ipv4.items = ipv4.items.filter((item) => item.value !== '198.18.0.0/15');
      internet.setIn([...to, 1, 'ipBlock', 'cidr'], '::/0');
    });
    expect(k8sProblems()).toEqual([
      'NetworkPolicy dispatcher-internet-egress: 0.0.0.0/0 does not exclude 198.18.0.0/15',
      'NetworkPolicy dispatcher-internet-egress: ::/0 reaches beyond 2000::/3, the only public IPv6',
      expect.stringMatching(
        /^NetworkPolicy dispatcher-internet-egress: ::\/0 does not exclude ::\/128, ::1\/128, /,
      ),
    ]);
  });

  it('/metrics and /ready open to every namespace, or on the API port', () => {
    editYaml(join(copy, 'k8s/base/network-policies.yaml'), (policies) => {
      const monitoring = policies.find((p) => p.getIn(['metadata', 'name']) === 'allow-monitoring-ingress')!;
      monitoring.deleteIn(['spec', 'ingress', 0, 'from']);
    });
    editYaml(join(copy, 'k8s/base/config.yaml'), ([config]) => config!.deleteIn(['data', 'MANAGEMENT_PORT']));
    expect(k8sProblems()).toEqual([
      ...['subscriptions', 'ingestion', 'dispatcher', 'dlq-review'].map(
        (s) => `Deployment ${s} container ${s}: MANAGEMENT_PORT is not the management container port 8081`,
      ),
      ...['subscriptions', 'ingestion', 'dispatcher', 'dlq-review'].map(
        (s) =>
          `NetworkPolicy allow-monitoring-ingress: lets more than the monitoring namespace reach Deployment ${s}'s management port (/metrics, /ready)`,
      ),
    ]);
  });

  it('alert rules without "for" or a known severity, and queries that do not parse', () => {
    editYaml(join(copy, 'k8s/overlays/monitoring/prometheus-rules.yaml'), ([rule]) => {
      const rules = ['spec', 'groups', 0, 'rules'];
      rule!.deleteIn([...rules, 0, 'for']);
      rule!.setIn([...rules, 1, 'expr'], 'max(dispatcher_backlog_oldest_age_seconds > 14400');
      rule!.setIn([...rules, 4, 'labels', 'severity'], 'page');
    });
    const dashboard = join(copy, 'k8s/overlays/monitoring/dashboards/delivery-pipeline.json');
    const json = JSON.parse(readFileSync(dashboard, 'utf8')) as {
      panels: { targets?: { expr: string }[] }[];
    };
    json.panels[1]!.targets![0]!.expr = 'sum by (service (service_ready)';
    writeFileSync(dashboard, JSON.stringify(json));
    const group = 'PrometheusRule smart-dairy-webhooks group smart-dairy-webhooks.delivery';
    expect(monitoringProblems()).toEqual([
      `${group} WebhookBacklogOld: no "for" (it would fire on one bad scrape)`,
      `${group} WebhookBreakersOpen: labels.severity is not one of critical, warning, info`,
      expect.stringMatching(new RegExp(`^${group} WebhookBacklogVeryOld: not PromQL at character`)),
      expect.stringMatching(
        /^ConfigMap smart-dairy-grafana-dashboards delivery-pipeline.json panel "Ready replicas": not PromQL/,
      ),
    ]);
  });

  it('a PodMonitor that scrapes the API port, or misses a service', () => {
    editYaml(join(copy, 'k8s/overlays/monitoring/pod-monitor.yaml'), ([monitor]) => {
      monitor!.setIn(['spec', 'podMetricsEndpoints', 0, 'port'], 'http');
      monitor!.setIn(['spec', 'selector', 'matchExpressions', 0, 'values'], ['ingestion', 'dispatcher']);
    });
    expect(monitoringProblems()).toEqual([
      'PodMonitor smart-dairy-webhooks: does not scrape Deployment subscriptions',
      'PodMonitor smart-dairy-webhooks: does not scrape Deployment dlq-review',
      'PodMonitor smart-dairy-webhooks: scrapes http /metrics, not management /metrics',
    ]);
  });

  it('a compose service without its health check, or without the generated key ring', () => {
    editYaml(join(copy, 'docker-compose.yml'), ([compose]) => {
      compose!.setIn(['services', 'ingestion', 'healthcheck'], null);
      compose!.deleteIn(['x-key-ring', 'SECRET_ENCRYPTION_KEYS_FILE']);
    });
    expect(copiedComposeProblems()).toEqual([
      expect.stringMatching(
        /^compose service subscriptions: SECRET_ENCRYPTION_KEYS is required .* but not set/,
      ),
      'compose service ingestion: healthcheck.test is not a list of strings',
      expect.stringMatching(/^compose service dispatcher: SECRET_ENCRYPTION_KEYS is required .* but not set/),
    ]);
  });

  it('a published admin key written into compose, and a port open on every interface', () => {
    editYaml(join(copy, 'docker-compose.yml'), ([compose]) => {
      compose!.deleteIn(['services', 'subscriptions', 'environment', 'ADMIN_API_KEY_FILE']);
      compose!.setIn(
        ['services', 'subscriptions', 'environment', 'ADMIN_API_KEY'],
        'compose-example-admin-key-0123456789abcdef',
      );
      compose!.setIn(['services', 'dlq-review', 'ports', 0], '3004:3004');
    });
    expect(copiedComposeProblems()).toEqual([
      'compose service dlq-review: port 3004:3004 is not bound to 127.0.0.1',
      'compose service subscriptions: ADMIN_API_KEY is written in the file; read the generated one with ADMIN_API_KEY_FILE',
      expect.stringMatching(
        /^compose service subscriptions: ADMIN_API_KEY=.* is rejected: is docker-compose.yml's former example, published in this repository/,
      ),
    ]);
  });

  it('generated keys that a restart replaces, or that a service reads without the keys volume', () => {
    editYaml(join(copy, 'docker-compose.yml'), ([compose]) => {
      const script = String(compose!.getIn(['services', 'keys', 'command', 2]));
      compose!.setIn(['services', 'keys', 'command', 2], script.replace("flag: 'wx', ", ''));
      compose!.setIn(['services', 'dispatcher', 'volumes'], []);
    });
    expect(copiedComposeProblems()).toEqual([
      'compose service keys: a second start replaced admin-api-key',
      'compose service keys: a second start replaced secret-encryption-keys',
      'compose service dispatcher: reads generated keys without mounting the keys volume read-only after it ran',
    ]);
  });

  it('a service image running as root, and a build source left out of the context', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8').replace('USER 1000:1000', 'USER root');
    const ignored = [...readFileSync(join(root, '.dockerignore'), 'utf8').split('\n'), 'libs'];
    expect(checkDockerfile(dockerfile, { root, ignored })).toEqual([
      ...['subscriptions', 'ingestion', 'dispatcher', 'dlq-review', 'demo-receiver'].map(
        (target) => `Dockerfile target ${target}: USER root is not a numeric non-root user`,
      ),
      'Dockerfile stage build: COPY libs is excluded by .dockerignore',
    ]);
  });
});
