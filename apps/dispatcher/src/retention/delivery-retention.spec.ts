import { deliveryCutoffs, latestCutoff } from './delivery-retention';

const HOUR = 3_600_000;
const NOW = new Date('2026-12-03T12:00:00.000Z');

describe('delivery retention cutoffs', () => {
  const periods = {
    DELIVERED_RETENTION_MS: 1 * HOUR,
    DEAD_LETTERED_RETENTION_MS: 2 * HOUR,
    DELETED_SUBSCRIPTION_RETENTION_MS: 3 * HOUR,
    DISABLED_BACKLOG_RETENTION_MS: 4 * HOUR,
  };

  it('puts each cutoff its own period before now', () => {
    expect(deliveryCutoffs(periods, NOW)).toEqual({
      delivered: new Date('2026-12-03T11:00:00.000Z'),
      deadLettered: new Date('2026-12-03T10:00:00.000Z'),
      deletedSubscription: new Date('2026-12-03T09:00:00.000Z'),
      disabledBacklog: new Date('2026-12-03T08:00:00.000Z'),
    });
  });

  it.each([
    ['delivered', { ...periods, DELIVERED_RETENTION_MS: 30 * 60_000 }, '2026-12-03T11:30:00.000Z'],
    ['disabled backlog', { ...periods, DISABLED_BACKLOG_RETENTION_MS: 0 }, '2026-12-03T12:00:00.000Z'],
    ['dead-lettered', { ...periods, DEAD_LETTERED_RETENTION_MS: 10 * 60_000 }, '2026-12-03T11:50:00.000Z'],
  ])('walks up to the shortest period’s cutoff (%s)', (_, shorter, cutoff) => {
    expect(latestCutoff(deliveryCutoffs(shorter, NOW))).toEqual(new Date(cutoff));
  });
});
