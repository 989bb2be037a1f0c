import { repoRoot } from '@smart-dairy/stack';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChaosStack } from './chaos-stack';
import { formatLedger, type Ledger } from './ledger';

/** `CHAOS=full` (npm run test:chaos) runs every scenario three times at full volume; anything else is the short form. */
export const CHAOS_MODE: 'full' | 'short' = process.env.CHAOS === 'full' ? 'full' : 'short';
/** `CHAOS_RUNS=10` repeats each scenario ten times in a row instead. */
const runCount = Number(process.env.CHAOS_RUNS) || (CHAOS_MODE === 'full' ? 3 : 1);
export const RUNS = Array.from({ length: runCount }, (_, i) => i + 1);

/** Recovery times in ms, and the odd other measurement, printed next to the ledger. */
export type Measurements = Record<string, number>;

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'chaos');

/** One line per scenario run on stdout, and the same as JSON in test-artifacts/chaos/ledgers.jsonl. */
export function report(scenario: string, run: number, ledger: Ledger, measured: Measurements): void {
  const { missingSample: _sample, ...counts } = ledger;
  const extras = Object.entries(measured)
    .map(
      ([name, value]) => `${name}=${Math.abs(value) >= 100 ? Math.round(value) : Number(value.toFixed(3))}`,
    )
    .join(' ');
  process.stdout.write(`${formatLedger(`${scenario} run ${run}`, ledger)} | ${extras}\n`);
  mkdirSync(ARTIFACTS, { recursive: true });
  appendFileSync(
    join(ARTIFACTS, 'ledgers.jsonl'),
    `${JSON.stringify({ at: new Date().toISOString(), mode: CHAOS_MODE, scenario, run, ...counts, ...measured })}\n`,
  );
}

/** The services' last log lines of a run, kept in test-artifacts/chaos for when something failed. */
export function saveLogs(scenario: string, run: number, lines: readonly string[]): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${scenario}-run${run}.log`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The invariants every scenario keeps; on a failure the missing pairs are printed first. */
export function expectSound(
  stack: ChaosStack,
  ledger: Ledger,
  { duplicates }: { duplicates?: number } = {},
): void {
  const verdict = {
    missing: ledger.missing,
    mismatchedIds: ledger.mismatchedIds,
    badSignatures: ledger.badSignatures,
    unexpectedExits: stack.unexpectedExits,
    ...(duplicates === undefined ? {} : { duplicates: ledger.duplicates }),
  };
  const wanted = {
    missing: 0,
    mismatchedIds: 0,
    badSignatures: 0,
    unexpectedExits: [],
    ...(duplicates === undefined ? {} : { duplicates }),
  };
  if (JSON.stringify(verdict) !== JSON.stringify(wanted)) {
    process.stdout.write(`missing sample: ${JSON.stringify(ledger.missingSample)}\n`);
  }
  expect(verdict).toEqual(wanted);
}
