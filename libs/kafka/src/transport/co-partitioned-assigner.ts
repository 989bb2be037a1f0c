import {
  AssignerProtocol,
  PartitionAssigners,
  type Assignment,
  type GroupMember,
  type PartitionAssigner,
} from 'kafkajs';

export const CO_PARTITIONED_PROTOCOL = 'SmartDairyCoPartitioned';

/** Which partitions of which topics each member (by id) gets. */
export type GroupAssignment = Map<string, Assignment>;

/**
 * Hands partition N of every topic to one member, spreading the partition numbers over the members
 * (sorted by id, so every leader computes the same answer). Topics keyed alike (the delivery topics,
 * keyed by subscription) then put all of one key's messages, whatever their topic, in one member:
 * per-key limits held in memory hold across the group.
 */
export function assignCoPartitioned(
  memberIds: readonly string[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): GroupAssignment {
  const members = [...memberIds].sort();
  const result: GroupAssignment = new Map(members.map((id) => [id, {}]));
  if (members.length === 0) return result;
  const numbers = [...new Set([...partitionsByTopic.values()].flat())].sort((a, b) => a - b);
  numbers.forEach((partition, index) => {
    const assignment = result.get(members[index % members.length] as string) as Assignment;
    for (const [topic, partitions] of partitionsByTopic) {
      if (partitions.includes(partition)) (assignment[topic] ??= []).push(partition);
    }
  });
  return result;
}

/**
 * The kafkajs form of `assignCoPartitioned`. Listed before round robin, so that while a rolling
 * deploy still has replicas that only know round robin, the group agrees on that instead of failing.
 */
export const coPartitionedAssigners: PartitionAssigner[] = [
  ({ cluster }) => ({
    name: CO_PARTITIONED_PROTOCOL,
    version: 1,
    async assign({ members, topics }: { members: GroupMember[]; topics: string[] }) {
      const partitions = new Map(
        topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId)]),
      );
      return [
        ...assignCoPartitioned(
          members.map((m) => m.memberId),
          partitions,
        ),
      ].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }: { topics: string[] }) {
      return {
        name: CO_PARTITIONED_PROTOCOL,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
      };
    },
  }),
  PartitionAssigners.roundRobin,
];
