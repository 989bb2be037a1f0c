import { CATEGORY_TOPICS, INTERNAL_TOPICS } from '@smart-dairy/kafka';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
} from 'kafkajs';
import { SERVICES } from './service-process';

type Operation = 'READ' | 'WRITE' | 'DESCRIBE' | 'CREATE';

interface Grant {
  readonly resource: 'topic' | 'group';
  /** Base names; the stack's topic prefix goes in front. */
  readonly names: readonly string[];
  readonly prefixed?: boolean;
  readonly operations: readonly Operation[];
}

const { system, ...businessCategories } = CATEGORY_TOPICS;
const BUSINESS_TOPICS = Object.values(businessCategories);
const { deliveriesHigh, deliveriesMedium, deliveriesLow } = INTERNAL_TOPICS;
const DELIVERY_TOPICS = [deliveriesHigh, deliveriesMedium, deliveriesLow];

/** Every service checks the topic layout at start (and creates what is missing): the platform's names only. */
const LAYOUT: Grant = {
  resource: 'topic',
  names: ['events.', 'deliveries.', 'subscriptions.'],
  prefixed: true,
  operations: ['DESCRIBE', 'CREATE'],
};

/** The SCRAM users of a secured stack: one per service, and one for business producers. */
export const PLATFORM_PRINCIPALS = [...SERVICES, 'producer'] as const;

/**
 * What each principal may do, as docs/deploy.md lists it (keep the two in step): producers write their
 * categories' topics only; each service reads and writes what its code does, in its own groups. The
 * replica-wide groups (`<name>-<host>-<pid>-<random>`) need a prefixed group ACL.
 */
export const PLATFORM_ACLS: Record<(typeof PLATFORM_PRINCIPALS)[number], readonly Grant[]> = {
  producer: [{ resource: 'topic', names: BUSINESS_TOPICS, operations: ['WRITE'] }],
  subscriptions: [
    LAYOUT,
    {
      resource: 'topic',
      names: [INTERNAL_TOPICS.subscriptionChanges, ...DELIVERY_TOPICS],
      operations: ['WRITE'],
    },
  ],
  ingestion: [
    LAYOUT,
    {
      resource: 'topic',
      names: [...BUSINESS_TOPICS, system, INTERNAL_TOPICS.subscriptionChanges],
      operations: ['READ'],
    },
    {
      resource: 'topic',
      names: [...BUSINESS_TOPICS, INTERNAL_TOPICS.invalid, ...DELIVERY_TOPICS],
      operations: ['WRITE'],
    },
    { resource: 'group', names: ['ingestion'], operations: ['READ'] },
    { resource: 'group', names: ['ingestion-subscription-changes-'], prefixed: true, operations: ['READ'] },
  ],
  dispatcher: [
    LAYOUT,
    {
      resource: 'topic',
      names: [...DELIVERY_TOPICS, INTERNAL_TOPICS.subscriptionChanges],
      operations: ['READ'],
    },
    {
      resource: 'topic',
      names: [
        ...DELIVERY_TOPICS,
        INTERNAL_TOPICS.deadLetter,
        INTERNAL_TOPICS.outcomes,
        INTERNAL_TOPICS.subscriptionChanges,
      ],
      operations: ['WRITE'],
    },
    { resource: 'group', names: ['dispatcher'], operations: ['READ'] },
    { resource: 'group', names: ['dispatcher-subscription-changes-'], prefixed: true, operations: ['READ'] },
  ],
  'dlq-review': [
    LAYOUT,
    {
      resource: 'topic',
      names: [INTERNAL_TOPICS.deadLetter, INTERNAL_TOPICS.outcomes, INTERNAL_TOPICS.subscriptionChanges],
      operations: ['READ'],
    },
    { resource: 'topic', names: [...DELIVERY_TOPICS, system], operations: ['WRITE'] },
    {
      resource: 'group',
      names: ['dlq-review', 'dlq-review-outcomes', 'dlq-review-subscriptions'],
      operations: ['READ'],
    },
  ],
};

/** The plan as kafkajs `createAcls` entries, for the topics and groups under `prefix`. */
export function platformAclEntries(prefix: string): AclEntry[] {
  return Object.entries(PLATFORM_ACLS).flatMap(([principal, grants]) =>
    grants.flatMap((grant) =>
      grant.names.flatMap((name) =>
        grant.operations.map((operation) => ({
          resourceType: grant.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
          resourceName: prefix + name,
          resourcePatternType: grant.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
          principal: `User:${principal}`,
          host: '*',
          operation: AclOperationTypes[operation],
          permissionType: AclPermissionTypes.ALLOW,
        })),
      ),
    ),
  );
}
