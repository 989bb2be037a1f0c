import { Registry } from 'prom-client';
import { DispatcherConfigSchema, dispatcherSettings } from '../config';
import { DispatcherMetrics } from '../dispatcher-metrics';
import { EndpointBreakers } from './endpoint-breakers';

function breakersWith(env: Record<string, string>) {
  const settings = dispatcherSettings(
    DispatcherConfigSchema.parse({ NODE_ENV: 'test', BREAKER_VOLUME_THRESHOLD: '2', ...env }),
  );
  const registry = new Registry();
  return { registry, breakers: new EndpointBreakers(settings, new DispatcherMetrics(registry, settings)) };
}

const ok = (status: number) => status === 200;

async function fail(breakers: EndpointBreakers, subscriptionId: string, times: number) {
  for (let i = 0; i < times; i++) await breakers.send(subscriptionId, ok, async () => 500);
}

describe('EndpointBreakers', () => {
  let breakers: EndpointBreakers;
  // Each breaker keeps a statistics timer: shut every one down.
  afterEach(() => breakers.retain(new Set()));

  it('shows each breaker per subscription and counted by state, and forgets the deleted ones', async () => {
    const made = breakersWith({});
    breakers = made.breakers;
    await fail(breakers, 'wh_sub_failing', 2);
    await breakers.send('wh_sub_healthy', ok, async () => 200);
    expect(await breakers.send('wh_sub_failing', ok, async () => 200)).toEqual(
      expect.objectContaining({ kind: 'refused' }),
    );
    const open = await made.registry.metrics();
    expect(open).toContain('dispatcher_breaker_state{subscription_id="wh_sub_failing"} 2');
    expect(open).toContain('dispatcher_breakers{state="open"} 1');
    expect(open).toContain('dispatcher_breakers{state="closed"} 1');

    breakers.retain(new Set(['wh_sub_healthy']));
    const after = await made.registry.metrics();
    expect(after).not.toContain('wh_sub_failing');
    expect(after).toContain('dispatcher_breakers{state="open"} 0');
    expect(after).toContain('dispatcher_breakers{state="closed"} 1');
    // A subscription that comes back starts with a closed breaker of its own.
    expect(await breakers.send('wh_sub_failing', ok, async () => 200)).toEqual({ kind: 'sent', result: 200 });
  });

  it('with METRICS_PER_SUBSCRIPTION=false counts breakers by state without naming subscriptions', async () => {
    const made = breakersWith({ METRICS_PER_SUBSCRIPTION: 'false' });
    breakers = made.breakers;
    await fail(breakers, 'wh_sub_failing', 2);
    const text = await made.registry.metrics();
    expect(text).toContain('dispatcher_breakers{state="open"} 1');
    expect(text).not.toContain('subscription_id');
    expect(text).not.toContain('dispatcher_breaker_state');
    expect(text).not.toContain('dispatcher_backlog_age_seconds');
    expect(text).toContain('dispatcher_backlog_oldest_age_seconds');
  });
});
