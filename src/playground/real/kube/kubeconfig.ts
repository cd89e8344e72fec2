import { stringify } from 'yaml';

/**
 * A kubeconfig for the real API server: TLS checked against the CA of its self-signed serving
 * certificate (`<cert-dir>/apiserver.crt`), and a bearer token from the static token file.
 */
export function realKubeconfigYaml(server: string, caPem: string, token: string, user: string, name = 'real-kube'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    contexts: [{ name, context: { cluster: name, user, namespace: 'default' } }],
    'current-context': name,
    users: [{ name: user, user: { token } }],
    preferences: {},
  });
}
