import { describePermission, kubeError, type KubeClients, type Permission } from './client.js';

/**
 * What the identity may do, asked with SelfSubjectAccessReview before anything changes: the API server's
 * authorizer (RBAC on AKS) answers for exactly the verbs, resources and namespaces a later step will use, so a
 * missing permission is named in the plan, not as a 403 after the mirrors moved.
 */

export interface AccessAnswer {
  permission: Permission;
  allowed: boolean;
  /** The authorizer's reason, when it gave one. */
  reason?: string;
}

/** Asks for every permission at once (one review each, in parallel). */
export async function checkAccess(clients: KubeClients, permissions: Permission[]): Promise<AccessAnswer[]> {
  return Promise.all(
    permissions.map(async (permission) => {
      try {
        const review = await clients.authorization.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb: permission.verb, group: permission.group, resource: permission.resource, namespace: permission.namespace } },
          },
        });
        return { permission, allowed: review.status?.allowed === true, reason: review.status?.reason || undefined };
      } catch (err) {
        throw kubeError(err, `ask the API server whether the identity may ${describePermission(permission)} (SelfSubjectAccessReview)`, clients.server);
      }
    }),
  );
}

/** `- update configmaps (core API group) in namespace clients` lines for the permissions refused. */
export function missingPermissions(answers: AccessAnswer[]): string[] {
  return answers.filter((a) => !a.allowed).map((a) => describePermission(a.permission));
}
