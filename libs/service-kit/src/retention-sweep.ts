import { Prisma, utcTimestamp } from '@smart-dairy/db';

/** A column of a sweep's key, with the type its cursor value (carried as text) is cast back to. */
export interface SweepKeyColumn {
  readonly column: string;
  readonly type: 'timestamp' | 'text' | 'bigint';
}

/**
 * What a table keeps, as a walk along one of its indexes. Each step looks at the next rows in key order
 * within `scope` and deletes the `due` ones among them, so a step looks at no more rows than the batch
 * size, however many of them must stay: a row kept for a reason (an event a delivery still needs) is
 * looked at once per sweep, not once per batch. The table is `t` in `scope`, `join` and `due`.
 */
export interface RetentionSweep {
  /** The table; also the name of the sweep's job, lock, metric series and log lines. */
  readonly table: string;
  /** Columns that order and identify the rows, the leading ones those of an index. */
  readonly key: readonly SweepKeyColumn[];
  /** The rows walked at `now`: an index range, such as everything older than the latest cutoff. */
  scope(now: Date): Prisma.Sql;
  /** Of those, the ones to delete at `now`; without it, every row in scope. */
  due?(now: Date): Prisma.Sql;
  /** Tables `due` needs beside `t`, e.g. `JOIN "subscriptions" AS s ON s."id" = t."subscription_id"`. */
  readonly join?: Prisma.Sql;
}

/** The instant a period before `now`, for comparison with a `timestamp(3)` column. */
export function periodBefore(now: Date, periodMs: number): Prisma.Sql {
  return utcTimestamp(new Date(now.getTime() - periodMs));
}

/** Where a step ends: how many rows it deleted, and the key to go on after, absent when nothing is left. */
export interface SweepStep {
  deleted: number;
  next?: string[];
}

/** What a step's statement answers. */
export interface StepRow {
  deleted: number;
  scanned: number;
  last: string[] | null;
}

/**
 * One step of a sweep as one statement: the next `limit` rows of the scope after `after` (from the start
 * without it), those of them that are due locked with SKIP LOCKED (a row the delivery path holds is left
 * for a later run, never waited for) and deleted. The rows of the step are found again by their `ctid`s
 * (a TID scan): joined back by key, the planner may hash the whole table instead.
 */
export function sweepStatement(
  sweep: RetentionSweep,
  after: readonly string[] | undefined,
  limit: number,
  now: Date,
): Prisma.Sql {
  const table = Prisma.raw(`"${sweep.table}"`);
  const columns = (alias: string, suffix = '') =>
    Prisma.join(sweep.key.map(({ column }) => Prisma.raw(`${alias}."${column}"${suffix}`)));
  const [first] = sweep.key;
  if (!first) throw new Error(`retention sweep of ${sweep.table} has no key`);
  // The leading column's own bound lets Postgres walk an index on it alone; the row comparison breaks ties.
  const resume =
    after === undefined
      ? Prisma.sql`TRUE`
      : Prisma.sql`t."${Prisma.raw(first.column)}" >= ${cast(after[0], first)}
          AND (${columns('t')}) > (${Prisma.join(sweep.key.map((k, i) => cast(after[i], k)))})`;
  return Prisma.sql`
    WITH scanned AS (
      SELECT t.ctid, ${columns('t')} FROM ${table} AS t
      WHERE (${sweep.scope(now)}) AND ${resume}
      ORDER BY ${columns('t')}
      LIMIT ${limit}
    ), due AS (
      SELECT t.ctid FROM ${table} AS t
      ${sweep.join ?? Prisma.empty}
      WHERE t.ctid = ANY(ARRAY(SELECT ctid FROM scanned)) AND (${sweep.due?.(now) ?? Prisma.sql`TRUE`})
      FOR UPDATE OF t SKIP LOCKED
    ), deleted AS (
      DELETE FROM ${table} AS t WHERE t.ctid = ANY(ARRAY(SELECT ctid FROM due))
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM deleted)::int AS "deleted",
      (SELECT count(*) FROM scanned)::int AS "scanned",
      (SELECT ARRAY[${columns('s', '::text')}] FROM scanned AS s ORDER BY ${columns('s', ' DESC')} LIMIT 1)
        AS "last"`;
}

/** The step's answer: the window was full, so the walk goes on after its last key; otherwise it is over. */
export function stepOf(row: StepRow | undefined, limit: number): SweepStep {
  if (!row) throw new Error('a retention step returned no row');
  return row.scanned < limit || row.last === null
    ? { deleted: row.deleted }
    : { deleted: row.deleted, next: row.last };
}

function cast(value: string | undefined, { column, type }: SweepKeyColumn): Prisma.Sql {
  if (value === undefined) throw new Error(`retention cursor has no value for ${column}`);
  return Prisma.sql`CAST(${value} AS ${Prisma.raw(type)})`;
}
