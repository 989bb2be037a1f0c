import { SERVICES } from '@smart-dairy/stack';
import { podLabels } from './kubernetes-checks';
import { idOf, type Manifest } from './manifest';
import { metricNamesOf, withGrafanaIntervals } from './promql';
import { selects } from './selectors';
import { isMap, listAt, mapAt, stringAt, type YamlMap } from './yaml-files';

/** The label Grafana's dashboard sidecar looks for on ConfigMaps. */
const DASHBOARD_LABEL = 'grafana_dashboard';
const SEVERITIES = new Set(['critical', 'warning', 'info']);
/** The container port that serves /metrics, the one `allow-monitoring-ingress` opens (network-policy-checks.ts). */
const MANAGEMENT_PORT_NAME = 'management';

/** One PromQL expression of an alert rule or a dashboard panel, and where it is. */
export interface MonitoringQuery {
  readonly where: string;
  readonly expr: string;
}

/** Every query of the rendering's PrometheusRules and Grafana dashboard ConfigMaps. */
export function monitoringQueries(manifests: Manifest[]): MonitoringQuery[] {
  return [
    ...rulesOf(manifests).map(({ where, rule }) => ({ where, expr: stringAt(rule, 'expr') ?? '' })),
    ...dashboardsOf(manifests).flatMap(({ where, dashboard }) =>
      panelsOf(dashboard).flatMap((panel) =>
        listAt(panel, 'targets').map((target) => ({
          where: `${where} panel "${stringAt(panel, 'title') ?? '?'}"`,
          expr: withGrafanaIntervals(stringAt(target, 'expr') ?? ''),
        })),
      ),
    ),
  ];
}

/** The alert names of the rendering's PrometheusRules. */
export function alertNames(manifests: Manifest[]): string[] {
  return rulesOf(manifests).flatMap(({ rule }) => stringAt(rule, 'alert') ?? []);
}

/**
 * Problems of the monitoring objects a rendering has (none is required): alert rules complete and parsing,
 * dashboards that are JSON with panels whose queries parse, PodMonitors that scrape every service's
 * management port.
 */
export function checkMonitoring(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const rule of manifests.filter((m) => m.kind === 'PrometheusRule')) {
    if (listAt(rule, 'spec', 'groups').length === 0) problems.push(`${idOf(rule)}: no rule groups`);
  }
  const seen = new Set<string>();
  for (const { where, rule } of rulesOf(manifests)) {
    const alert = stringAt(rule, 'alert');
    if (alert === undefined) {
      if (stringAt(rule, 'record') === undefined) problems.push(`${where}: neither alert nor record`);
      continue;
    }
    if (seen.has(alert)) problems.push(`${where}: alert ${alert} is defined twice`);
    seen.add(alert);
    if (stringAt(rule, 'for') === undefined)
      problems.push(`${where}: no "for" (it would fire on one bad scrape)`);
    if (!SEVERITIES.has(stringAt(rule, 'labels', 'severity') ?? '')) {
      problems.push(`${where}: labels.severity is not one of ${[...SEVERITIES].join(', ')}`);
    }
    for (const annotation of ['summary', 'description']) {
      if (!stringAt(rule, 'annotations', annotation)) problems.push(`${where}: no ${annotation} annotation`);
    }
  }
  for (const { where, dashboard } of dashboardsOf(manifests)) {
    if (!stringAt(dashboard, 'uid') || !stringAt(dashboard, 'title'))
      problems.push(`${where}: no uid or title`);
    const panels = panelsOf(dashboard).filter((panel) => stringAt(panel, 'type') !== 'row');
    if (panels.length === 0) problems.push(`${where}: no panels`);
    for (const panel of panels) {
      if (listAt(panel, 'targets').length === 0) {
        problems.push(`${where} panel "${stringAt(panel, 'title') ?? '?'}": no query`);
      }
    }
  }
  for (const { where, expr } of monitoringQueries(manifests)) {
    try {
      metricNamesOf(expr);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  problems.push(...checkPodMonitors(manifests));
  return problems;
}

function checkPodMonitors(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const monitor of manifests.filter((m) => m.kind === 'PodMonitor')) {
    for (const service of SERVICES) {
      const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === service);
      if (deployment && !selects(mapAt(monitor, 'spec', 'selector'), podLabels(deployment))) {
        problems.push(`${idOf(monitor)}: does not scrape Deployment ${service}`);
      }
    }
    for (const endpoint of listAt(monitor, 'spec', 'podMetricsEndpoints')) {
      if (stringAt(endpoint, 'port') !== MANAGEMENT_PORT_NAME || stringAt(endpoint, 'path') !== '/metrics') {
        problems.push(
          `${idOf(monitor)}: scrapes ${stringAt(endpoint, 'port')} ${stringAt(endpoint, 'path')}, not ${MANAGEMENT_PORT_NAME} /metrics`,
        );
      }
    }
  }
  return problems;
}

function rulesOf(manifests: Manifest[]): { where: string; rule: YamlMap }[] {
  return manifests
    .filter((m) => m.kind === 'PrometheusRule')
    .flatMap((manifest) =>
      listAt(manifest, 'spec', 'groups').flatMap((group) =>
        listAt(group, 'rules')
          .filter(isMap)
          .map((rule) => ({
            where: `${idOf(manifest)} group ${stringAt(group, 'name') ?? '?'} ${stringAt(rule, 'alert') ?? stringAt(rule, 'record') ?? '?'}`,
            rule,
          })),
      ),
    );
}

/** The dashboards of ConfigMaps labelled for Grafana's sidecar; one that is not JSON throws. */
function dashboardsOf(manifests: Manifest[]): { where: string; dashboard: YamlMap }[] {
  return manifests
    .filter((m) => m.kind === 'ConfigMap' && mapAt(m, 'metadata', 'labels')?.[DASHBOARD_LABEL] !== undefined)
    .flatMap((configMap) =>
      Object.entries(mapAt(configMap, 'data') ?? {}).map(([key, text]) => {
        const where = `${idOf(configMap)} ${key}`;
        let dashboard: unknown;
        try {
          dashboard = JSON.parse(String(text));
        } catch (error) {
          throw new Error(`${where} is not JSON: ${(error as Error).message}`, { cause: error });
        }
        if (!isMap(dashboard)) throw new Error(`${where} is not a JSON object`);
        return { where, dashboard };
      }),
    );
}

/** Every panel, those inside collapsed rows included. */
function panelsOf(dashboard: YamlMap): YamlMap[] {
  return listAt(dashboard, 'panels')
    .filter(isMap)
    .flatMap((panel) => [panel, ...listAt(panel, 'panels').filter(isMap)]);
}
