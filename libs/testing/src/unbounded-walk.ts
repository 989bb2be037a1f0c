import { Prisma, type PrismaService } from '@smart-dairy/db';
import { sweepStatement, type RetentionSweep, type SweepKeyColumn } from '@smart-dairy/service-kit';

interface PlanNode {
  'Node Type': string;
  'Subplan Name'?: string;
  Plans?: PlanNode[];
}

const CURSOR: Record<SweepKeyColumn['type'], string> = {
  timestamp: '2026-01-01 00:00:00',
  text: 'm',
  bigint: '0',
};

/**
 * What makes a resumed retention step read more than its batch: the sort or sequential scan nodes of its
 * walk (the step's `scanned` part), planned with sequential and bitmap scans off, as a large table would be. With an index that gives the walk's
 * order there are none; without one, every row in range is read and sorted, and on a table of rows that
 * share one time (an insert's, a bulk load's) that is a full read per batch.
 */
export async function unboundedWalk(prisma: PrismaService, sweep: RetentionSweep): Promise<string[]> {
  const after = sweep.key.map(({ type }) => CURSOR[type]);
  const statement = sweepStatement(sweep, after, 1_000, new Date());
  const plan = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
    await tx.$executeRaw`SET LOCAL enable_bitmapscan = off`;
    const [row] = await tx.$queryRaw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
      Prisma.sql`EXPLAIN (FORMAT JSON) ${statement}`,
    );
    return row?.['QUERY PLAN'][0].Plan;
  });
  const walk = find(plan, (node) => node['Subplan Name'] === 'CTE scanned');
  if (!walk) throw new Error(`no walk in the plan of the ${sweep.table} sweep`);
  return flatten(walk)
    .map((node) => node['Node Type'])
    .filter((type) => type.endsWith('Sort') || type === 'Seq Scan');
}

function find(node: PlanNode | undefined, match: (node: PlanNode) => boolean): PlanNode | undefined {
  if (!node) return undefined;
  if (match(node)) return node;
  for (const child of node.Plans ?? []) {
    const found = find(child, match);
    if (found) return found;
  }
  return undefined;
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}
