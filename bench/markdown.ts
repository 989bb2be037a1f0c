import type { ProfileSummary } from './cpu-profile.ts';
import { microsPerDelivery, type BenchResults } from './report.ts';
import { failed, type Outcome } from './run-bench.ts';
import type { Tally } from './scenarios.ts';
import type { LatencySummary } from './stats.ts';

type Row = (string | number)[];

function table(header: Row, rows: Row[]): string {
  const cell = (c: string | number) => (typeof c === 'number' ? fmt(c) : c.replace(/\|/g, '\\|'));
  const line = (cells: Row) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function fmt(n: number): string {
  return Number.isNaN(n) ? '—' : n.toLocaleString('en-US');
}

function latency(label: string, l: { p50: number; p95: number; p99: number; max: number }): Row {
  return [label, `${fmt(l.p50)} / ${fmt(l.p95)} / ${fmt(l.p99)} / ${fmt(l.max)} ms`];
}

function section<T extends object>(title: string, outcome: Outcome<T>, body: (r: T) => string): string {
  return `## ${title}\n\n${failed(outcome) ? `Did not complete: ${outcome.error}` : body(outcome)}\n`;
}

const e2e = (l: LatencySummary) => latency('publish → verified receipt p50 / p95 / p99 / max', l);

/** S1 with `--ordered`: the ordered subscription's own figures beside the nine unordered ones'. */
function orderingTable({ ordered, unordered }: { ordered: Tally; unordered: Tally }): string {
  return table(
    ['figure', 'ordered (1 subscription)', 'unordered (9 subscriptions)'],
    [
      ['delivered, verified', fmt(ordered.delivered), fmt(unordered.delivered)],
      ['received more than once', fmt(ordered.repeated), fmt(unordered.repeated)],
      [
        'sustained deliveries/s (middle 90%)',
        fmt(ordered.rate.sustainedPerSecond),
        fmt(unordered.rate.sustainedPerSecond),
      ],
      [
        'publish → verified receipt p50 / p99',
        `${fmt(ordered.latency.p50)} / ${fmt(ordered.latency.p99)} ms`,
        `${fmt(unordered.latency.p50)} / ${fmt(unordered.latency.p99)} ms`,
      ],
    ],
  );
}

/** The human summary written next to the JSON. */
export function renderMarkdown(results: BenchResults): string {
  const { machine: m, run, ratios: r } = results;
  const parts: string[] = [
    `# Bench run ${results.startedAt}`,
    [
      `**Machine:** ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}. ` +
        `**Load average at start:** ${m.loadAverageAtStart.join(' / ')} (1 / 5 / 15 min); ` +
        `other test or service processes: ${m.busyProcessesAtStart.length ? m.busyProcessesAtStart.join(', ') : 'none'}.`,
      `**Code:** ${m.commit}` +
        (m.uncommittedFiles ? ` plus ${m.uncommittedFiles} uncommitted file(s) in the shared tree.` : '.') +
        ` **Run:** ${Math.round(results.durationSeconds / 6) / 10} min` +
        (results.profiled ? ', services under `--cpu-prof` (slower: not a headline run).' : '.') +
        (results.tracing
          ? ` **Tracing on:** every span exported over OTLP (http/protobuf) to a local sink, ` +
            `${fmt(results.tracing.exportRequests)} requests, ${fmt(Math.round(results.tracing.exportedBytes / 2 ** 20))} MiB.`
          : '') +
        ` **Parts:** ${results.parts.join(', ')}.` +
        (results.payloadFilter
          ? ` **Every subscription filters:** \`${JSON.stringify(results.payloadFilter)}\`.`
          : ''),
      'Everything on one box: dedicated Kafka broker, Postgres, the four services with production settings ' +
        '(development-mode networking), and the bench process (receiver verifying every signature, producer).' +
        ' Each service runs with the V8 heap it has in its pod (`k8s/base`): ' +
        Object.entries(results.serviceNodeArgs)
          .map(([name, args]) => `${name} \`${args.join(' ')}\``)
          .join(', ') +
        '.',
    ].join('\n\n'),
    '## Targets',
    table(
      ['figure', 'target', 'measured', 'met'],
      results.targets.map((t) => [t.name, t.target, t.value, t.met ? 'yes' : '**no**']),
    ),
    section('Ceilings', run.ceilings.undici, (u) =>
      table(
        ['ceiling', 'figure'],
        [
          [
            'undici POST, one process, signed, verified at the receiver',
            `${fmt(u.rate.sustainedPerSecond)} req/s`,
          ],
          [
            'requests sent / failed',
            `${fmt(u.sender.sent)} / ${fmt(u.sender.failed)} in ${u.sender.elapsedMs} ms`,
          ],
          ...(failed(run.ceilings.kafka)
            ? [['kafkajs', run.ceilings.kafka.error]]
            : [
                [
                  'kafkajs produce (acks all, idempotent)',
                  `${fmt(run.ceilings.kafka.producePerSecond)} msg/s`,
                ],
                ['kafkajs consume', `${fmt(run.ceilings.kafka.consumePerSecond)} msg/s`],
                [
                  'kafkajs produce then consume',
                  `${fmt(run.ceilings.kafka.producedThenConsumedPerSecond)} msg/s ` +
                    `(${fmt(run.ceilings.kafka.messages)} messages of ${run.ceilings.kafka.messageBytes} bytes)`,
                ],
              ]),
        ],
      ),
    ),
    section('S1 throughput', run.s1, (s) =>
      [
        table(
          ['figure', 'value'],
          [
            [
              'events × subscriptions',
              `${fmt(s.events)} × ${s.subscriptions} = ${fmt(s.expected)} deliveries`,
            ],
            ['delivered, verified', fmt(s.delivered)],
            ['received more than once (same X-Webhook-ID)', fmt(s.repeated)],
            ['sustained deliveries/s (middle 90%)', fmt(s.rate.sustainedPerSecond)],
            ['overall deliveries/s (first to last receipt)', fmt(s.rate.overallPerSecond)],
            ['first publish to last delivery persisted, deliveries/s', fmt(s.endToEndPerSecond)],
            [`publishing ${fmt(s.events)} events took`, `${fmt(s.publishMs)} ms`],
            [
              'persisted: delivered / with its 2xx attempt',
              `${fmt(s.persisted.delivered)} / ${fmt(s.persisted.withSuccessfulAttempt)}, ` +
                `${fmt(s.persisted.afterLastReceiptMs)} ms after the last receipt`,
            ],
            ['ratio to the undici ceiling', fmt(r.s1ToUndiciCeiling ?? Number.NaN)],
            ['ratio to the kafkajs ceiling', fmt(r.s1ToKafkaCeiling ?? Number.NaN)],
            e2e(s.latency),
            latency('request (dispatcher attempt) p50 / p95 / p99 / max', s.attemptLatencyMs),
          ],
        ),
        ...(s.ordering
          ? [
              '\nWith `--ordered`, the ordered subscription apart from the nine others:\n',
              orderingTable(s.ordering),
            ]
          : []),
        '\nResources during S1 (from the first publish until every delivery was persisted):\n',
        table(
          [
            'process',
            'peak RSS',
            'peak V8 heap used / reserved, external',
            'CPU seconds',
            'CPU µs per delivery',
          ],
          Object.entries(s.resources).map(([name, u]) => [
            name,
            Number.isNaN(u.peakRssMiB) ? '—' : `${u.peakRssMiB} MiB`,
            u.peakHeapUsedMiB === undefined
              ? ''
              : `${u.peakHeapUsedMiB} / ${u.peakHeapTotalMiB} MiB, ${u.peakExternalMiB} MiB`,
            u.cpuSeconds,
            microsPerDelivery(u, s.delivered),
          ]),
        ),
      ].join('\n'),
    ),
    section('S2 latency', run.s2, (s) =>
      table(
        ['figure', 'value'],
        [
          ['steady load', `${fmt(s.deliveriesPerSecond)} deliveries/s for ${s.durationMs / 1000} s`],
          ['delivered, verified / expected', `${fmt(s.delivered)} / ${fmt(s.expected)}`],
          e2e(s.latency),
        ],
      ),
    ),
    section('S2 during a purge', run.purge, (p) =>
      [
        table(
          [
            'run',
            'purge',
            'publish → verified receipt p50 / p95 / p99 / max',
            'delivered / expected',
            'rows deleted during the run',
          ],
          p.runs.map((x, i) => [
            i + 1,
            x.purging ? `${fmt(x.dueAtStart)} rows due (${fmt(x.seedMs)} ms to write the top-up)` : 'none',
            `${fmt(x.latency.p50)} / ${fmt(x.latency.p95)} / ${fmt(x.latency.p99)} / ${fmt(x.latency.max)} ms`,
            `${fmt(x.delivered)} / ${fmt(x.expected)}`,
            x.purging
              ? `${fmt(x.purgedDuringRun)} in ${fmt(x.runMs)} ms (${fmt(Math.round((x.purgedDuringRun * 1000) / x.runMs))}/s)`
              : '',
          ]),
        ),
        '',
        table(
          ['figure', 'value'],
          [
            ['S2 p99 without a purge, median', `${fmt(p.p99Quiet)} ms`],
            [`S2 p99 while ${fmt(p.rows)} rows are purged, median`, `${fmt(p.p99Purging)} ms`],
            ['ratio', fmt(r.s2P99PurgingToQuiet ?? Number.NaN)],
            ['due rows left after the last run and the wait', fmt(p.leftAfterDrain)],
          ],
        ),
      ].join('\n'),
    ),
    section('S3 isolation', run.s3, (s) =>
      table(
        ['figure', 'value'],
        [
          ['healthy deliveries (nine endpoints)', `${fmt(s.healthy.delivered)} / ${fmt(s.healthy.expected)}`],
          ['healthy sustained deliveries/s', fmt(s.healthy.rate.sustainedPerSecond)],
          ['ratio to S1 rate', fmt(r.s3HealthyRateToS1 ?? Number.NaN)],
          latency('healthy request (dispatcher attempt) p50 / p95 / p99 / max', s.healthy.attemptLatencyMs),
          ['ratio of healthy request p99 to S1', fmt(r.s3HealthyAttemptP99ToS1 ?? Number.NaN)],
          e2e(s.healthy.latency),
          ['ratio of healthy publish → receipt p99 to S1', fmt(r.s3HealthyEndToEndP99ToS1 ?? Number.NaN)],
          ['requests the silent endpoint received', fmt(s.stuckEndpointRequests)],
          ['healthy endpoints sharing its delivery partition', fmt(s.sharingPartition)],
        ],
      ),
    ),
    section('S4 recovery', run.s4, (s) =>
      table(
        ['figure', 'value'],
        [
          ['outage', `${s.outageMs / 1000} s of 503 under ${fmt(s.events)} events to ten endpoints`],
          ['deliveries owed to the failing endpoint', fmt(s.owedDuringOutage)],
          ['requests it received during the outage', fmt(s.requestsDuringOutage)],
          ['time to drain its backlog after recovery', `${fmt(s.drainMs)} ms`],
          ['every delivery delivered', s.everyDelivered ? 'yes' : `no, ${fmt(s.missing)} missing`],
          [
            'persisted delivered / deliveries',
            `${fmt(s.persisted.delivered)} / ${fmt(s.persisted.deliveries)}`,
          ],
        ],
      ),
    ),
    `Receiver rejections: ${run.rejected.length}.`,
    renderWarnings(run.serviceLogTail),
  ];
  if (results.profiles) parts.push(renderProfiles(results.profiles));
  return `${parts.join('\n\n')}\n`;
}

function renderProfiles(profiles: Record<string, ProfileSummary>): string {
  return [
    '## CPU profiles (self time)',
    ...Object.entries(profiles).map(([service, p]) =>
      [
        `### ${service}: ${fmt(p.busyMs)} ms busy, ${fmt(p.idleMs)} ms idle`,
        table(
          ['module', 'self ms', '% of busy'],
          p.modules.slice(0, 8).map((h) => [h.name, h.selfMs, h.percent]),
        ),
        table(
          ['function', 'self ms', '% of busy'],
          p.functions.map((h) => [`\`${h.name}\``, h.selfMs, h.percent]),
        ),
      ].join('\n\n'),
    ),
  ].join('\n\n');
}

/** The services' warnings and errors (LOG_LEVEL=warn), counted by message. */
function renderWarnings(lines: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const [, service = '', json = ''] = /^\[([^\]]+)\] (.*)$/.exec(line) ?? [];
    let message = json;
    try {
      message = (JSON.parse(json) as { msg?: string }).msg ?? json;
    } catch {
      // not a JSON log line: counted as written
    }
    const key = `${service}: ${message.slice(0, 100)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) return 'The services logged no warnings or errors.';
  return [
    `The services' last ${lines.length} warnings and errors, by message:`,
    table(
      ['service: message', 'lines'],
      [...counts].sort((a, b) => b[1] - a[1]).map(([message, n]) => [`\`${message.replace(/`/g, "'")}\``, n]),
    ),
  ].join('\n\n');
}
