import { ValidationProblem, type FieldProblem } from '@smart-dairy/http-problem';
import type { RecoverInput } from './recovery.schemas';

const DAY_MS = 86_400_000;

/** Deliveries created at or after `since` and before `until`. */
export interface RecoveryWindow {
  since: Date;
  until: Date;
}

/**
 * The window a recover covers: `until` defaults to now, and `since` may reach at most `maxAgeDays`
 * back, which bounds how much one request can send again.
 */
export function recoveryWindow(input: RecoverInput, now: Date, maxAgeDays: number): RecoveryWindow {
  const since = new Date(input.since);
  const until = input.until === undefined ? now : new Date(input.until);
  const problems: FieldProblem[] = [];
  if (since.getTime() < now.getTime() - maxAgeDays * DAY_MS) {
    problems.push({ path: 'since', message: `must be at most ${maxAgeDays} days ago` });
  }
  if (until <= since) problems.push({ path: 'until', message: 'must be after since' });
  if (problems.length > 0) throw new ValidationProblem(problems);
  return { since, until };
}
