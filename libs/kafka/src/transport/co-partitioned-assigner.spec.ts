import { assignCoPartitioned } from './co-partitioned-assigner';

const topics = (count: number) =>
  new Map(['deliveries.high', 'deliveries.medium', 'deliveries.low'].map((t) => [t, range(count)]));

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** The member holding partition `n` of `topic`. */
function holder(assignment: ReturnType<typeof assignCoPartitioned>, topic: string, n: number): string[] {
  return [...assignment].filter(([, a]) => a[topic]?.includes(n)).map(([member]) => member);
}

describe('assignCoPartitioned', () => {
  it.each([1, 2, 3, 5, 7, 12, 13])(
    'gives partition N of every topic to one member, every partition once (%i members)',
    (members) => {
      const ids = range(members).map((i) => `member-${String(i).padStart(2, '0')}`);
      const assignment = assignCoPartitioned(ids, topics(12));
      for (const n of range(12)) {
        const owners = ['deliveries.high', 'deliveries.medium', 'deliveries.low'].map((t) =>
          holder(assignment, t, n),
        );
        expect(owners.every((o) => o.length === 1)).toBe(true);
        expect(new Set(owners.flat()).size).toBe(1);
      }
    },
  );

  it('spreads partition numbers evenly, and every member gets an entry', () => {
    const assignment = assignCoPartitioned(['c', 'a', 'b', 'd', 'e'], topics(12));
    expect([...assignment.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const counts = [...assignment.values()].map((a) => a['deliveries.high']?.length ?? 0);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('is the same whatever order the members are listed in', () => {
    const one = assignCoPartitioned(['x', 'y', 'z'], topics(6));
    const other = assignCoPartitioned(['z', 'x', 'y'], topics(6));
    expect(Object.fromEntries(one)).toEqual(Object.fromEntries(other));
  });

  it('assigns a partition number only in the topics that have it', () => {
    const uneven = new Map([
      ['a', [0, 1, 2, 3]],
      ['b', [0, 1]],
    ]);
    const assignment = assignCoPartitioned(['m1', 'm2'], uneven);
    expect(Object.fromEntries(assignment)).toEqual({ m1: { a: [0, 2], b: [0] }, m2: { a: [1, 3], b: [1] } });
  });
});
