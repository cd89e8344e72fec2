import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { testTls } from './tls.js';
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, type AksClusterConfig } from './types.js';

/** Which credential call: user, admin or monitoring user. */
export type CredentialKind = 'user' | 'admin' | 'monitoring';

export interface KubeconfigRequest {
  kind: CredentialKind;
  /** `format` query (user credentials of Entra ID clusters only): `exec` (default) or `azure` (legacy). */
  format?: 'exec' | 'azure';
  /** `server-fqdn=public`. */
  publicFqdn: boolean;
  /** The tenant of the cluster's subscription (written into kubelogin's args). */
  tenantId: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** The API server URL a cluster's kubeconfigs point at. */
export function clusterServer(cluster: AksClusterConfig, publicFqdn: boolean): string {
  if (publicFqdn && cluster.publicServer) return cluster.publicServer;
  if (cluster.server) return cluster.server;
  const hash = createHash('sha256').update(`${cluster.subscriptionId}/${cluster.resourceGroup}/${cluster.name}`).digest('hex').slice(0, 8);
  return `https://${cluster.name.toLowerCase()}-dns-${hash}.hcp.${cluster.location ?? 'westeurope'}.azmk8s.io:443`;
}

/**
 * The kubeconfig YAML AKS returns, shaped like the real ones: cluster entry with the CA, one context,
 * and a user that is either a local account (client certificate + key + token) or, for the user
 * credentials of an Entra ID cluster, the kubelogin exec plugin (or the legacy `azure` auth-provider).
 */
export function buildKubeconfig(cluster: AksClusterConfig, request: KubeconfigRequest, localToken: string): string {
  const tls = testTls();
  const clusterName = cluster.name;
  const prefix = request.kind === 'admin' ? 'clusterAdmin' : request.kind === 'monitoring' ? 'clusterMonitoringUser' : 'clusterUser';
  const userName = `${prefix}_${cluster.resourceGroup}_${cluster.name}`;
  const contextName = request.kind === 'admin' ? `${clusterName}-admin` : clusterName;
  let user: Record<string, unknown>;
  if (request.kind === 'user' && cluster.entraId) {
    user =
      request.format === 'azure'
        ? {
            'auth-provider': {
              config: {
                'apiserver-id': AKS_SERVER_APP_ID,
                'client-id': AKS_CLIENT_APP_ID,
                'config-mode': '1',
                environment: 'AzurePublicCloud',
                'tenant-id': request.tenantId,
              },
              name: 'azure',
            },
          }
        : {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              args: [
                'get-token',
                '--environment',
                'AzurePublicCloud',
                '--server-id',
                AKS_SERVER_APP_ID,
                '--client-id',
                AKS_CLIENT_APP_ID,
                '--tenant-id',
                request.tenantId,
                '--login',
                'devicecode',
              ],
              command: 'kubelogin',
              env: null,
              installHint:
                '\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://aka.ms/aks/kubelogin\n',
              interactiveMode: 'IfAvailable',
              provideClusterInfo: false,
            },
          };
  } else {
    const client = request.kind === 'admin' ? tls.adminClient : tls.userClient;
    user = { 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem), token: localToken };
  }
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: clusterEntry(cluster, clusterServer(cluster, request.publicFqdn)), name: clusterName }],
    contexts: [{ context: { cluster: clusterName, user: userName }, name: contextName }],
    'current-context': contextName,
    kind: 'Config',
    preferences: {},
    users: [{ name: userName, user }],
  });
}

/**
 * AKS always serves TLS with the cluster CA. A plain-HTTP API server (the Kubernetes emulator) gets
 * `insecure-skip-tls-verify` instead, as its own kubeconfig has: clients refuse http:// otherwise.
 */
function clusterEntry(cluster: AksClusterConfig, server: string): Record<string, unknown> {
  if (server.startsWith('http://')) return { 'insecure-skip-tls-verify': true, server };
  return { 'certificate-authority-data': cluster.certificateAuthorityData ?? b64(testTls().caPem), server };
}
