import { loadConfig, tracingEnv } from '@smart-dairy/config';
import { z } from 'zod';
import { tracingSettings } from './tracing-settings';

const settingsOf = (env: NodeJS.ProcessEnv) => tracingSettings(loadConfig('test', z.object(tracingEnv), env));

describe('tracingSettings', () => {
  it.each<[string, NodeJS.ProcessEnv]>([
    ['nothing is set', {}],
    [
      'only a protocol or a sampler is set',
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER: 'always_on' },
    ],
    [
      'the exporter is none',
      { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
    ],
    [
      'the SDK is disabled',
      { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
    ],
  ])('is off when %s', (_case, env) => {
    expect(settingsOf(env)).toBeNull();
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    [
      'the base endpoint, with the traces path',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
      'http://collector:4318/v1/traces',
    ],
    [
      'a base endpoint with a path of its own',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/ingest/' },
      'https://otel.example/ingest/v1/traces',
    ],
    [
      'the traces endpoint as given, over the base one',
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/t',
      },
      'http://traces:9999/t',
    ],
    [
      'the default endpoint when only the exporter is asked for',
      { OTEL_TRACES_EXPORTER: 'otlp' },
      'http://localhost:4318/v1/traces',
    ],
  ])('exports to %s', (_case, env, url) => {
    expect(settingsOf(env)?.url).toBe(url);
  });

  it('takes the signal-specific protocol over the general one, http/protobuf by default', () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(settingsOf(on)?.protocol).toBe('http/protobuf');
    expect(settingsOf({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })?.protocol).toBe('http/json');
    expect(
      settingsOf({
        ...on,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      })?.protocol,
    ).toBe('http/protobuf');
  });

  it('takes the sampler and the batch settings, a batch never larger than the queue', () => {
    expect(
      settingsOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512',
      }),
    ).toMatchObject({
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      batch: {
        scheduledDelayMillis: 200,
        exportTimeoutMillis: 30_000,
        maxQueueSize: 100,
        maxExportBatchSize: 100,
      },
    });
  });

  it.each<[string, NodeJS.ProcessEnv]>([
    ['gRPC', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }],
    ['an exporter it does not have', { OTEL_TRACES_EXPORTER: 'zipkin' }],
    ['an endpoint that is not http(s)', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }],
    ['a ratio above 1', { OTEL_TRACES_SAMPLER_ARG: '2' }],
  ])('refuses %s at start', (_case, env) => {
    expect(() => settingsOf(env)).toThrow(/Invalid configuration/);
  });
});
