/**
 * Kubernetes name rules (as the API server validates them), for checking inputs and manifests before
 * any request: both actions take namespaces and object names from users.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What a namespace name may hold, for messages. */
export const NAMESPACE_NAME_RULE = "lower-case letters, digits and '-', at most 63 characters";
/** What an object name may hold, for messages. */
export const OBJECT_NAME_RULE = "lower-case letters, digits, '-' and '.', at most 253 characters";

/** A namespace name: an RFC 1123 label. */
export function isNamespaceName(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}

/** The name of a ConfigMap, Secret or workload: an RFC 1123 subdomain. */
export function isObjectName(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}
