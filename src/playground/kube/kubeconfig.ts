import { stringify } from 'yaml';

/**
 * A kubeconfig for the emulator. The server is plain http, which client-node only accepts with
 * `insecure-skip-tls-verify: true`; with a token the user carries it as a bearer token.
 */
export function kubeconfigYaml(server: string, token?: string, name = 'kube-emulator'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    users: [{ name, user: token ? { token } : {} }],
    preferences: {},
  });
}
