import { stopIdleRequestQueueTimers } from './request-queue-idle-timer';

interface TestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}

const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => TestQueue;

function queue(): TestQueue {
  const logger = { debug: () => undefined, warn: () => undefined };
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    clientId: 'test',
    broker: 'b:9092',
    logger,
  });
}

describe('kafkajs request queue timers', () => {
  beforeAll(() => stopIdleRequestQueueTimers());

  it('sets no timer (and so no negative one) for a queue with nothing pending and no throttle', () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const idle = queue();
    try {
      idle.scheduleCheckPendingRequests();
      expect(idle.throttleCheckTimeoutId).toBeNull();
    } finally {
      idle.destroy();
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it.each([
    ['requests wait and nothing throttles', 1, -1],
    ['requests wait until the throttle ends', 1, Date.now() + 60_000],
    ['a throttle ends later, with nothing pending', 0, Date.now() + 60_000],
  ])('still schedules a check when %s', (_case, pending, throttledUntil) => {
    const busy = queue();
    busy.pending = Array.from({ length: pending }, () => ({}));
    busy.throttledUntil = throttledUntil;
    try {
      busy.scheduleCheckPendingRequests();
      expect(busy.throttleCheckTimeoutId).not.toBeNull();
    } finally {
      busy.destroy();
    }
  });
});
