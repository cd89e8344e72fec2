import * as core from '../../core/runner.js';
import { ActionError, describeError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { USER_AGENT } from '../../core/version.js';
import { getAksKubeconfig } from './azure/aks-kubeconfig.js';
import { resolveCloud } from './azure/cloud.js';
import type { CredentialRoute } from './azure/credential.js';
import type { AksContextInputs } from './inputs.js';
import type { PreparedKubeconfig } from './prepared.js';

type AzureInputs = Extract<AksContextInputs, { mode: 'azure' }>;

/** The GitHub ID token for the OIDC route, fetched anew for every Entra ID token request. */
export function githubAssertion(audience: string): () => Promise<string> {
  return async () => {
    try {
      // @actions/core is loaded here only: it brings http-client and undici 6, which no other route needs.
      const actionsCore = await import('@actions/core');
      return await actionsCore.getIDToken(audience);
    } catch (err) {
      throw new ActionError(`Getting the GitHub ID token (audience ${audience}) failed: ${describeError(err).replace(/\s+/g, ' ').trim()}`, {
        fix: 'The job needs `permissions: id-token: write`',
        cause: err,
      });
    }
  };
}

/** Maps the validated inputs to a credential route (OIDC gets the GitHub ID-token callback). */
export function routeOf(credential: AzureInputs['credential']): CredentialRoute {
  switch (credential.kind) {
    case 'oidc':
      return { kind: 'oidc', tenantId: credential.tenantId, clientId: credential.clientId, getAssertion: githubAssertion(credential.audience) };
    case 'client-secret':
      return { kind: 'client-secret', tenantId: credential.creds.tenantId, clientId: credential.creds.clientId, clientSecret: credential.creds.clientSecret };
    case 'azure-cli':
      return { kind: 'azure-cli' };
  }
}

/** The Azure route: a kubeconfig from ARM, with an Entra ID token in place of kubelogin. */
export async function fromAzure(inputs: AzureInputs, deps: { mask?: core.Masker; logger?: Logger } = {}): Promise<PreparedKubeconfig> {
  const result = await getAksKubeconfig(
    {
      route: routeOf(inputs.credential),
      cloud: resolveCloud({ armEndpoint: inputs.armEndpoint, authorityHost: inputs.authorityHost }),
      transport: { userAgent: USER_AGENT, maxRetries: 3 },
      subscriptionId: inputs.subscriptionId,
      resourceGroup: inputs.resourceGroup,
      clusterName: inputs.clusterName,
      admin: inputs.admin,
      publicFqdn: inputs.publicFqdn,
    },
    { mask: deps.mask ?? core.maskSecret, logger: deps.logger ?? silentLogger },
  );
  const { operation: _operation, subscriptionId, ...kubeconfig } = result;
  return {
    ...kubeconfig,
    source: `AKS cluster ${inputs.resourceGroup}/${inputs.clusterName} (${inputs.admin ? 'admin' : 'user'} credentials, subscription ${subscriptionId})`,
  };
}
