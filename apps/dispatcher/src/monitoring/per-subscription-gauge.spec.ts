import { Gauge, Registry } from 'prom-client';
import { PerSubscriptionGauge } from './per-subscription-gauge';

describe('PerSubscriptionGauge', () => {
  const labelled = (registry: Registry) =>
    new Gauge({ name: 'per_sub', help: 'test', labelNames: ['subscription_id'], registers: [registry] });

  it('keeps one series per subscription and removes those of subscriptions no longer live', async () => {
    const registry = new Registry();
    const gauge = new PerSubscriptionGauge(labelled(registry));
    gauge.set('wh_sub_a', 1);
    gauge.set('wh_sub_b', 2);
    gauge.set('wh_sub_a', 3);
    expect(await registry.metrics()).toContain('per_sub{subscription_id="wh_sub_a"} 3');

    gauge.retain(new Set(['wh_sub_b', 'wh_sub_unseen']));
    const after = await registry.metrics();
    expect(after).not.toContain('wh_sub_a');
    expect(after).toContain('per_sub{subscription_id="wh_sub_b"} 2');
    expect(after).not.toContain('wh_sub_unseen');

    // A subscription set again later has its series again.
    gauge.set('wh_sub_a', 5);
    gauge.retain(new Set(['wh_sub_a']));
    const again = await registry.metrics();
    expect(again).toContain('per_sub{subscription_id="wh_sub_a"} 5');
    expect(again).not.toContain('wh_sub_b');
  });

  it('switched off (no gauge), names no subscription', async () => {
    const registry = new Registry();
    const gauge = new PerSubscriptionGauge(null);
    gauge.set('wh_sub_a', 1);
    gauge.retain(new Set());
    expect(await registry.metrics()).not.toContain('wh_sub_a');
  });
});
