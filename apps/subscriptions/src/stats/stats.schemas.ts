import { z } from 'zod';
import { timestamp } from '../http/fields';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_WINDOW_MS = 366 * UNIT_MS.d;
const DEFAULT_WINDOW_MS = 24 * UNIT_MS.h;

const windowLength = z
  .string()
  .regex(/^[1-9]\d{0,5}[mhd]$/, 'expected a number and a unit: 90m, 24h, 7d')
  .transform((text, ctx) => {
    const ms = Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS];
    if (ms <= MAX_WINDOW_MS) return ms;
    ctx.addIssue('must be at most 366 days');
    return z.NEVER;
  });

/** `?since=` or `?window=` (default 24h); the window always ends now. */
export const StatsQuery = z
  .strictObject({
    since: timestamp.optional().describe('Start of the window; not with `window`'),
    window: windowLength.optional().describe('Length of the window ending now; default 24h'),
  })
  .refine((q) => q.since === undefined || q.window === undefined, {
    message: 'give since or window, not both',
    path: ['window'],
  })
  .transform(({ since, window }) => {
    const until = new Date();
    const start =
      since === undefined ? new Date(until.getTime() - (window ?? DEFAULT_WINDOW_MS)) : new Date(since);
    return { since: start, until };
  });
export type StatsWindow = z.output<typeof StatsQuery>;

const count = z.number().int().nonnegative();

export const StatsView = z.object({
  subscription_id: z.string().nullable().describe('null for the stats of every subscription'),
  since: timestamp,
  until: timestamp,
  total: count.describe('Deliveries created in the window'),
  pending: count,
  delivered: count,
  retrying: count,
  dead_lettered: count,
  waiting: count.describe('Made while the subscription was disabled: sent once it is enabled'),
  discarded: count.describe(
    'Waiting deliveries never sent: the backlog was discarded, or the subscription deleted',
  ),
  backlog: count.describe(
    'Deliveries waiting now for the subscription to be enabled, created in the window or before',
  ),
  failed_attempts: count.describe('Attempts of those deliveries that got no 2xx answer'),
  success_rate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('delivered / (delivered + retrying + dead_lettered); null when that is 0 / 0'),
});
export type StatsView = z.output<typeof StatsView>;
