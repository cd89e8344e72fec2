/**
 * The ACLs a mirror operation needs, for 401/403 messages. The alter verbs need CLUSTER ALTER and
 * DESCRIBE plus TOPIC READ and DESCRIBE_CONFIGS (the set a refused `reverse-and-start-mirror` is
 * fixed with); the verbs that act on both sides of a bidirectional link need them on both clusters.
 */

export interface AclNeed {
  resource: 'CLUSTER' | 'TOPIC';
  operations: string[];
}

export interface AclAdvice {
  /** The ACLs, e.g. `CLUSTER: ALTER, DESCRIBE`. */
  needs: AclNeed[];
  /** True when the link's principals need them on both clusters (reverse and truncate verbs). */
  bothClusters: boolean;
}

const READ_ONLY: AclNeed[] = [
  { resource: 'CLUSTER', operations: ['DESCRIBE'] },
  { resource: 'TOPIC', operations: ['DESCRIBE'] },
];
const ALTER: AclNeed[] = [
  { resource: 'CLUSTER', operations: ['ALTER', 'DESCRIBE'] },
  { resource: 'TOPIC', operations: ['READ', 'DESCRIBE_CONFIGS'] },
];
const CREATE: AclNeed[] = [
  { resource: 'CLUSTER', operations: ['ALTER', 'DESCRIBE'] },
  { resource: 'TOPIC', operations: ['CREATE', 'READ', 'DESCRIBE_CONFIGS'] },
];

/** The ACLs an operation (`status`, `create` or an alter verb) needs. */
export function aclsFor(operation: string): AclAdvice {
  if (operation === 'status') return { needs: READ_ONLY, bothClusters: false };
  if (operation === 'create') return { needs: CREATE, bothClusters: false };
  const both = operation.startsWith('reverse-') || operation === 'truncate-and-restore';
  return { needs: ALTER, bothClusters: both };
}

/** One sentence listing the ACLs, for error messages. */
export function describeAcls(operation: string, clusterId: string): string {
  const advice = aclsFor(operation);
  const list = advice.needs.map((n) => `${n.resource} ${n.operations.join(' and ')}`).join(', ');
  const where = advice.bothClusters ? `on both clusters (this one, ${clusterId}, and the link's remote cluster)` : `on cluster ${clusterId}`;
  const topicOps =
    advice.needs
      .find((n) => n.resource === 'TOPIC')
      ?.operations.map((o) => o.toLowerCase().replace(/_/g, '-'))
      .join(',') ?? 'describe';
  const clusterOps =
    advice.needs
      .find((n) => n.resource === 'CLUSTER')
      ?.operations.map((o) => o.toLowerCase())
      .join(',') ?? 'describe';
  return (
    `'${operation}' needs these ACLs for the key's service account ${where}: ${list}; e.g. ` +
    `\`confluent kafka acl create --allow --service-account <sa-id> --operations ${clusterOps} --cluster-scope --cluster ${clusterId}\` and ` +
    `\`confluent kafka acl create --allow --service-account <sa-id> --operations ${topicOps} --topic <topic> --cluster ${clusterId}\``
  );
}
