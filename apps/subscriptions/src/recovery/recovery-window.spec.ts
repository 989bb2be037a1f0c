import { ValidationProblem } from '@smart-dairy/http-problem';
import { recoveryWindow } from './recovery-window';

const now = new Date('2026-12-21T12:00:00Z');

function problemsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationProblem) return [...(error.problems ?? [])];
    throw error;
  }
  throw new Error('expected a ValidationProblem');
}

describe('recoveryWindow', () => {
  it('ends now unless until is given', () => {
    expect(recoveryWindow({ since: '2026-12-20T12:00:00Z' }, now, 30)).toEqual({
      since: new Date('2026-12-20T12:00:00Z'),
      until: now,
    });
    expect(
      recoveryWindow({ since: '2026-12-20T12:00:00+01:00', until: '2026-12-21T00:00:00Z' }, now, 30),
    ).toEqual({ since: new Date('2026-12-20T11:00:00Z'), until: new Date('2026-12-21T00:00:00Z') });
  });

  it.each([
    ['exactly the maximum age back', '2026-11-21T12:00:00Z', 30],
    ['within a configured shorter age', '2026-12-14T12:00:00Z', 7],
  ])('accepts a start %s', (_label, since, maxAgeDays) => {
    expect(recoveryWindow({ since }, now, maxAgeDays).since).toEqual(new Date(since));
  });

  it.each([
    ['a start older than the maximum age', { since: '2026-11-21T11:59:59Z' }, 30, ['since']],
    ['a start older than a configured age', { since: '2026-12-13T12:00:00Z' }, 7, ['since']],
    [
      'an end before the start',
      { since: '2026-12-20T12:00:00Z', until: '2026-12-20T11:00:00Z' },
      30,
      ['until'],
    ],
    ['an empty window', { since: '2026-12-20T12:00:00Z', until: '2026-12-20T12:00:00Z' }, 30, ['until']],
    [
      'both at once',
      { since: '2026-01-01T00:00:00Z', until: '2025-12-31T00:00:00Z' },
      30,
      ['since', 'until'],
    ],
  ])('refuses %s, naming each field', (_label, input, maxAgeDays, paths) => {
    const problems = problemsOf(() => recoveryWindow(input, now, maxAgeDays));
    expect(problems.map((p) => p.path)).toEqual(paths);
  });

  it('says how far back a start may reach', () => {
    expect(problemsOf(() => recoveryWindow({ since: '2026-01-01T00:00:00Z' }, now, 30))).toEqual([
      { path: 'since', message: 'must be at most 30 days ago' },
    ]);
  });
});
