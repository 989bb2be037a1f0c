import { ReadinessFailureLog } from './readiness-failure-log';

describe('ReadinessFailureLog', () => {
  let now: number;
  let lines: { level: string; fields: Record<string, unknown>; message: string }[];
  let log: ReadinessFailureLog;
  const logger = {
    warn: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'warn', fields, message }),
    info: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'info', fields, message }),
  };

  beforeEach(() => {
    now = 0;
    lines = [];
    log = new ReadinessFailureLog(logger as never, 60_000, () => now);
  });

  it('logs the first failure with its error, then one line a minute with the latest, whatever it says', () => {
    const errors = [new Error('connect ECONNREFUSED 10.1.2.3:5432'), new Error('Connection terminated')];
    for (let second = 0; second < 125; second += 5) {
      now = second * 1000;
      log.record('postgres', errors[(second / 5) % 2]);
    }
    expect(lines.map((l) => [l.level, l.fields.suppressed, l.fields.err])).toEqual([
      ['warn', 0, errors[0]],
      ['warn', 11, errors[0]],
      ['warn', 11, errors[0]],
    ]);
    expect(lines[0]?.message).toBe('readiness check postgres fails');
  });

  it('logs each check on its own, and when a check passes again', () => {
    log.record('postgres', new Error('timeout'));
    log.record('kafka', new Error('broker down'));
    log.record('postgres', new Error('password authentication failed'));
    log.record('postgres', undefined);
    log.record('postgres', undefined);
    log.record('postgres', new Error('timeout'));
    expect(lines.map((l) => [l.level, l.fields.check, l.message])).toEqual([
      ['warn', 'postgres', 'readiness check postgres fails'],
      ['warn', 'kafka', 'readiness check kafka fails'],
      ['info', 'postgres', 'readiness check postgres passes again'],
      ['warn', 'postgres', 'readiness check postgres fails'],
    ]);
  });
});
