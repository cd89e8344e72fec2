import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Admin, type AclEntry, type AclFilter } from './kafkajs.js';
import type { ClusterUsers } from './config.js';

/** The name the CLUSTER resource of every Kafka cluster has in ACLs. */
export const CLUSTER_RESOURCE = 'kafka-cluster';

function entry(
  permissionType: AclPermissionTypes,
  principal: string,
  resourceType: AclResourceTypes,
  resourceName: string,
  operation: AclOperationTypes,
): AclEntry {
  return { principal, host: '*', resourceType, resourceName, resourcePatternType: ResourcePatternTypes.LITERAL, operation, permissionType };
}

function allow(principal: string, resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes): AclEntry {
  return entry(AclPermissionTypes.ALLOW, principal, resourceType, resourceName, operation);
}

/** The WRITE deny that makes `topic` read-only for `principal` (a DENY wins over the ALLOWs of `clientAcls`). */
export function denyWrite(principal: string, topic: string): AclEntry {
  return entry(AclPermissionTypes.DENY, principal, AclResourceTypes.TOPIC, topic, AclOperationTypes.WRITE);
}

/**
 * The ACLs that make the two API-key users what they stand for ('*' is the wildcard resource name):
 * - operator: ALL on the cluster, every topic, group and transactional id (an ALLOW, not a super user,
 *   so a DENY on a topic still applies to it);
 * - app: what a Kafka client needs, on every topic CREATE, DESCRIBE, DESCRIBE_CONFIGS, READ and WRITE,
 *   on every group READ and DESCRIBE; nothing on the cluster, so cluster operations such as creating ACLs
 *   fail with CLUSTER_AUTHORIZATION_FAILED.
 */
export function clientAcls(users: ClusterUsers): AclEntry[] {
  const { operator, app } = users;
  return [
    allow(operator.principal, AclResourceTypes.CLUSTER, CLUSTER_RESOURCE, AclOperationTypes.ALL),
    allow(operator.principal, AclResourceTypes.TOPIC, '*', AclOperationTypes.ALL),
    allow(operator.principal, AclResourceTypes.GROUP, '*', AclOperationTypes.ALL),
    allow(operator.principal, AclResourceTypes.TRANSACTIONAL_ID, '*', AclOperationTypes.ALL),
    ...[AclOperationTypes.CREATE, AclOperationTypes.DESCRIBE, AclOperationTypes.DESCRIBE_CONFIGS, AclOperationTypes.READ, AclOperationTypes.WRITE].map((op) =>
      allow(app.principal, AclResourceTypes.TOPIC, '*', op),
    ),
    ...[AclOperationTypes.READ, AclOperationTypes.DESCRIBE].map((op) => allow(app.principal, AclResourceTypes.GROUP, '*', op)),
  ];
}

/** A filter that matches exactly this ACL. */
export function exactFilter(acl: AclEntry): AclFilter {
  return { ...acl };
}

/**
 * Resolves once the broker's authorizer shows every ACL of `acls` (a created ACL reaches the authorizer
 * through the metadata log, a moment after CreateAcls answers); rejects after `timeoutMs`.
 */
export async function waitForAcls(admin: Admin, acls: AclEntry[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await Promise.all(
      acls.map(async (acl) => {
        const { resources } = await admin.describeAcls(exactFilter(acl));
        return resources.some((r) => r.acls.length > 0);
      }),
    );
    if (found.every(Boolean)) return;
    if (Date.now() > deadline)
      throw new Error(
        `ACLs not visible to the authorizer after ${timeoutMs} ms: ${acls
          .filter((_, i) => !found[i])
          .map(describeAcl)
          .join('; ')}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** kafkajs's enums are plain objects at run time, without TypeScript's reverse mapping. */
function nameOf(values: object, value: number): string {
  return Object.entries(values).find(([, v]) => v === value)?.[0] ?? String(value);
}

export function describeAcl(acl: AclEntry): string {
  const permission = nameOf(AclPermissionTypes, acl.permissionType);
  return `${permission} ${acl.principal} ${nameOf(AclOperationTypes, acl.operation)} on ${nameOf(AclResourceTypes, acl.resourceType)} '${acl.resourceName}'`;
}
