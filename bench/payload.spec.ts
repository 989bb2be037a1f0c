import { compileFilter } from '@smart-dairy/payload-filter';
import { BENCH_EVENT_TYPE, MATCH_EVERY_ORDER, PAYLOAD_BYTES, orderPayload } from './payload.ts';

describe('the bench payload', () => {
  it('is an order of exactly PAYLOAD_BYTES of JSON', () => {
    expect(Buffer.byteLength(JSON.stringify(orderPayload('b1-s1-7', new Date().toISOString())))).toBe(
      PAYLOAD_BYTES,
    );
  });

  it('matches the --filters filter, so filtered runs deliver the same events', () => {
    const compiled = compileFilter(MATCH_EVERY_ORDER);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    for (const orderId of ['b1-s1-0', 'b1-s3-19999', 'probe-b1-s1-3']) {
      const event = { event: BENCH_EVENT_TYPE, data: orderPayload(orderId, new Date().toISOString()) };
      expect(compiled.filter.explain(event)).toEqual([]);
      expect(compiled.filter.matches(event)).toBe(true);
    }
    expect(compiled.filter.matches({ event: 'order.updated', data: orderPayload('x', '') })).toBe(false);
  });
});
