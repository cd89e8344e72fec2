import type { TokenCredential } from '@azure/identity';
import type { AzureCloud } from './cloud.js';
import { clientOptions, type AzureTransport } from './transport.js';

/**
 * How to sign in to Microsoft Entra ID, in the order aks-context prefers them:
 * - `oidc`: workload identity federation; `getAssertion` is called for EVERY token request (GitHub's
 *   ID token lives ~5 minutes), so pass a callback that fetches a new one each time (`githubAssertion` in from-azure.ts).
 * - `client-secret`: a service principal's secret (the `--sdk-auth` JSON).
 * - `azure-cli`: whatever `az login` (e.g. the azure/login action) left behind.
 */
export type CredentialRoute =
  | { kind: 'oidc'; tenantId: string; clientId: string; getAssertion: () => Promise<string> }
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'azure-cli'; tenantId?: string };

/** A short label for logs: never includes a secret. */
export function describeRoute(route: CredentialRoute): string {
  switch (route.kind) {
    case 'oidc':
      return `OIDC federation (client ${route.clientId}, tenant ${route.tenantId})`;
    case 'client-secret':
      return `client secret (client ${route.clientId}, tenant ${route.tenantId})`;
    case 'azure-cli':
      return 'the az CLI login';
  }
}

/**
 * Builds the TokenCredential for a route. `@azure/identity` is loaded here, on demand, so an action
 * that fails on its inputs (or uses a plain kubeconfig) never pays for it.
 */
export async function createCredential(route: CredentialRoute, cloud: AzureCloud, transport: AzureTransport = {}): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  const options = { authorityHost: cloud.authorityHost, disableInstanceDiscovery: cloud.disableInstanceDiscovery, ...clientOptions(transport) };
  switch (route.kind) {
    case 'oidc':
      return new identity.ClientAssertionCredential(route.tenantId, route.clientId, route.getAssertion, options);
    case 'client-secret':
      return new identity.ClientSecretCredential(route.tenantId, route.clientId, route.clientSecret, options);
    case 'azure-cli':
      return new identity.AzureCliCredential(route.tenantId ? { tenantId: route.tenantId } : {});
  }
}
