import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { AKS_SERVER_APP_ID } from '../../src/playground/azure/index.js';
import { getAksKubeconfig, type AksKubeconfigConfig } from '../../src/actions/aks-context/azure/aks-kubeconfig.js';
import { resolveCloud } from '../../src/actions/aks-context/azure/cloud.js';
import { createCredential } from '../../src/actions/aks-context/azure/credential.js';
import { ActionError } from '../../src/core/errors.js';
import { liveWorld, world } from './scenario.js';

/**
 * The core Azure factories with the real SDK (identity + arm-containerservice) in-process, pointed at
 * the emulator through their options only: endpoint, credentials.scopes, authorityHost,
 * disableInstanceDiscovery and tlsOptions.ca (the TEST-ONLY CA). No TLS check is disabled.
 */
const w = world();
const live = liveWorld(w);

function config(overrides: Partial<AksKubeconfigConfig> = {}): AksKubeconfigConfig {
  return {
    route: { kind: 'client-secret', tenantId: w.tenantId, clientId: w.deployer.clientId, clientSecret: w.deployer.secret },
    cloud: resolveCloud({ armEndpoint: live.az.armEndpoint, authorityHost: live.az.authorityHost }),
    transport: { ca: live.az.caPem, retryDelayMs: 5 },
    subscriptionId: w.subscriptionId,
    resourceGroup: w.resourceGroup,
    clusterName: w.clusters.entra,
    admin: false,
    publicFqdn: false,
    ...overrides,
  };
}

describe('getAksKubeconfig with the real Azure SDK', () => {
  it('Entra ID cluster: ARM token, then the AKS server app token, both masked as they appear', async () => {
    const masked: string[] = [];
    const result = await getAksKubeconfig(config(), { mask: (s) => masked.push(s) });
    const [armGrant, aksGrant] = live.az.grants().slice(-2);
    expect([armGrant.scope, aksGrant.scope]).toEqual([`${live.az.armEndpoint}/.default`, `${AKS_SERVER_APP_ID}/.default`]);
    expect(masked).toEqual([armGrant.token, aksGrant.token]);
    expect(result).toMatchObject({
      operation: 'listClusterUserCredential',
      auth: 'entra-token',
      token: { scope: `${AKS_SERVER_APP_ID}/.default`, expiresOnTimestamp: expect.any(Number) },
    });
    expect((parse(result.kubeconfig) as { users: unknown[] }).users).toEqual([
      { name: `clusterUser_${w.resourceGroup}_${w.clusters.entra}`, user: { token: aksGrant.token } },
    ]);
    // One ARM call, one token per scope (MSAL reads the tenant's OpenID configuration per app instance).
    expect(live.az.requests().map((r) => `${r.service} ${r.route} ${r.status}`)).toEqual([
      'entra openid-configuration 200',
      'entra token 200',
      'arm listClusterUserCredential 200',
      'entra openid-configuration 200',
      'entra token 200',
    ]);
  });

  it('local-account cluster: the kubeconfig is returned as ARM sent it, with its credentials masked', async () => {
    const masked: string[] = [];
    const result = await getAksKubeconfig(config({ clusterName: w.clusters.local, admin: true }), { mask: (s) => masked.push(s) });
    const user = (parse(result.kubeconfig) as { users: Array<{ user: Record<string, string> }> }).users[0].user;
    expect(result.auth).toBe('client-certificate');
    expect(masked).toEqual(expect.arrayContaining([user.token, user['client-key-data'], user['client-certificate-data']]));
    expect(live.az.requests('arm').map((r) => r.route)).toEqual(['listClusterAdminCredential']);
  });

  it('OIDC: the assertion callback runs for each token request, so the later token gets a fresh assertion', async () => {
    const fetched: string[] = [];
    const getAssertion = async () => {
      const res = await fetch(`${live.oidc.url}&audience=api%3A%2F%2FAzureADTokenExchange`, { headers: { authorization: `Bearer ${live.oidc.requestToken}` } });
      const value = ((await res.json()) as { value: string }).value;
      fetched.push(value);
      return value;
    };
    const result = await getAksKubeconfig(config({ route: { kind: 'oidc', tenantId: w.tenantId, clientId: w.federated.clientId, getAssertion } }), {
      mask: () => {},
    });
    expect(result.auth).toBe('entra-token');
    const grants = live.az.grants().slice(-2);
    expect(grants.map((g) => g.credential)).toEqual(['client_assertion', 'client_assertion']);
    const jtis = live.oidc
      .issued()
      .slice(-fetched.length)
      .map((t) => t.jti);
    expect(jtis.indexOf(grants[1].assertion!.jti)).toBeGreaterThan(jtis.indexOf(grants[0].assertion!.jti));
  });

  it('the SDK trap: without credentials.scopes the ARM client asks for https://management.azure.com/.default whatever the endpoint', async () => {
    const { ContainerServiceClient } = await import('@azure/arm-containerservice');
    const cloud = resolveCloud({ armEndpoint: live.az.armEndpoint, authorityHost: live.az.authorityHost });
    const credential = await createCredential(
      { kind: 'client-secret', tenantId: w.tenantId, clientId: w.deployer.clientId, clientSecret: w.deployer.secret },
      cloud,
      { ca: live.az.caPem },
    );
    const naive = new ContainerServiceClient(credential, w.subscriptionId, {
      endpoint: live.az.armEndpoint,
      tlsOptions: { ca: live.az.caPem },
      apiVersion: '2026-04-01',
    });
    await expect(naive.managedClusters.listClusterUserCredentials(w.resourceGroup, w.clusters.local)).rejects.toThrow(
      /AADSTS500011: The resource principal named https:\/\/management\.azure\.com was not found/,
    );
    expect(live.az.requests('arm')).toEqual([]);
  });

  it('retries a transient ARM 503 (bounded), and explains a persistent one', async () => {
    live.az.setFault('arm', { kind: 'server-error', count: 1 });
    await getAksKubeconfig(config({ clusterName: w.clusters.local, transport: { ca: live.az.caPem, maxRetries: 2, retryDelayMs: 5 } }), { mask: () => {} });
    expect(live.az.requests('arm').map((r) => r.status)).toEqual([503, 200]);
    live.az.resetRequests();
    live.az.setFault('arm', { kind: 'server-error' });
    try {
      const failure = getAksKubeconfig(config({ clusterName: w.clusters.local, transport: { ca: live.az.caPem, maxRetries: 2, retryDelayMs: 5 } }), {
        mask: () => {},
      });
      await expect(failure).rejects.toThrow(ActionError);
      await expect(failure).rejects.toThrow('listClusterUserCredential returned 503 ServiceUnavailable');
      expect(live.az.requests('arm')).toHaveLength(3);
    } finally {
      live.az.setFault('arm', null);
    }
  });

  it('an untrusted certificate is an error that says how to trust a private CA (TLS checks stay on)', async () => {
    let message = '';
    try {
      await getAksKubeconfig(config({ transport: { maxRetries: 0 } }), { mask: () => {} });
    } catch (err) {
      message = (err as ActionError).describe();
    }
    expect(message).toMatch(
      new RegExp(
        `^Signing in to Microsoft Entra ID failed: could not reach ${live.az.authorityHost}/${w.tenantId} \\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\\)`,
      ),
    );
    expect(message).toContain('set NODE_EXTRA_CA_CERTS');
    expect(live.az.requests('arm')).toEqual([]);
  });

  it('an unknown tenant is told apart from an unreachable authority', async () => {
    const failure = getAksKubeconfig(
      config({
        route: { kind: 'client-secret', tenantId: '00000000-1111-2222-3333-444444444444', clientId: w.deployer.clientId, clientSecret: w.deployer.secret },
      }),
      { mask: () => {} },
    );
    await expect(failure).rejects.toThrow(
      /has no OpenID configuration \(endpoints_resolution_error: HTTP 400 AADSTS90002: Tenant '00000000-1111-2222-3333-444444444444' not found/,
    );
  });
});
