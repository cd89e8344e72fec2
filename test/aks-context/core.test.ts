import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ActionError, InputError } from '../../src/core/errors.js';
import { InputReader } from '../../src/core/inputs.js';
import { resolveCloud } from '../../src/actions/aks-context/azure/cloud.js';
import { parseSdkAuth } from '../../src/actions/aks-context/azure/sdk-auth.js';
import {
  AKS_SERVER_APP_ID,
  credentialValues,
  entraServerId,
  isSecretFlag,
  parseKubeconfig,
  withTokenUser,
  type KubeUser,
} from '../../src/actions/aks-context/kubeconfig.js';
import { explainAzureError, type AzureCallContext } from '../../src/actions/aks-context/azure/errors.js';
import { fetchClusterKubeconfig } from '../../src/actions/aks-context/azure/arm.js';
import { writeSecureFile, kubeconfigPathIn } from '../../src/actions/aks-context/kubeconfig-file.js';
import { removeKubeconfig } from '../../src/actions/aks-context/cleanup.js';
import { getInputs, type AksContextInputs } from '../../src/actions/aks-context/inputs.js';
import { describeKubeconfig, failureSummaryOf, outputsOf, summaryOf } from '../../src/actions/aks-context/report.js';
import { runnerTempDir } from '../../src/actions/aks-context/state.js';
import { text as mdText } from '../../src/core/markdown.js';

const SECRET = 'Zx8~q7Q.secret-value-7f3a9c1e2b4d6f80';

describe('resolveCloud', () => {
  it.each([
    [{}, 'https://management.azure.com', 'https://management.azure.com/.default', 'https://login.microsoftonline.com', false],
    [
      { armEndpoint: 'https://management.chinacloudapi.cn/', authorityHost: 'https://login.chinacloudapi.cn/' },
      'https://management.chinacloudapi.cn',
      'https://management.chinacloudapi.cn/.default',
      'https://login.chinacloudapi.cn',
      false,
    ],
    [
      { armEndpoint: 'https://management.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us' },
      'https://management.usgovcloudapi.net',
      'https://management.usgovcloudapi.net/.default',
      'https://login.microsoftonline.us',
      false,
    ],
    [
      { armEndpoint: 'https://127.0.0.1:4431', authorityHost: 'https://127.0.0.1:4432' },
      'https://127.0.0.1:4431',
      'https://127.0.0.1:4431/.default',
      'https://127.0.0.1:4432',
      true,
    ],
  ])('%p: the ARM scope follows the endpoint; unknown authorities skip instance discovery', (overrides, arm, scope, authority, skip) => {
    expect(resolveCloud(overrides)).toEqual({ armEndpoint: arm, armScope: scope, authorityHost: authority, disableInstanceDiscovery: skip });
  });
});

describe('parseSdkAuth (the AZURE_CREDENTIALS JSON)', () => {
  const full = {
    clientId: 'c',
    clientSecret: SECRET,
    subscriptionId: 's',
    tenantId: 't',
    activeDirectoryEndpointUrl: 'https://login.chinacloudapi.cn',
    resourceManagerEndpointUrl: 'https://management.chinacloudapi.cn/',
    managementEndpointUrl: 'https://management.core.chinacloudapi.cn/',
  };

  it('keeps the fields it uses (never managementEndpointUrl, the classic ASM endpoint)', () => {
    expect(parseSdkAuth(JSON.stringify(full), () => {})).toEqual({
      clientId: 'c',
      clientSecret: SECRET,
      subscriptionId: 's',
      tenantId: 't',
      activeDirectoryEndpointUrl: 'https://login.chinacloudapi.cn',
      resourceManagerEndpointUrl: 'https://management.chinacloudapi.cn',
    });
  });

  it('masks the secret before any other check can fail, and never quotes it', () => {
    const masked: string[] = [];
    let message = '';
    try {
      parseSdkAuth(JSON.stringify({ clientId: 'c', clientSecret: SECRET }), (s) => masked.push(s));
    } catch (err) {
      message = (err as ActionError).describe();
    }
    expect(masked).toEqual([SECRET]);
    expect(message).toBe(
      "input 'creds' has no 'tenantId'; expected the JSON printed by `az ad sp create-for-rbac --sdk-auth` (clientId, clientSecret, tenantId, subscriptionId)",
    );
  });

  it.each([
    [`{"clientSecret": "${SECRET}",`, /is not valid JSON \(error at character \d+\)/],
    ['[1]', /is not a JSON object/],
    [JSON.stringify({ ...full, clientId: 7 }), /has a 'clientId' that is not a string/],
    [
      JSON.stringify({ ...full, resourceManagerEndpointUrl: 'http://management.azure.com' }),
      /has 'resourceManagerEndpointUrl' = 'http:\/\/management.azure.com', which is not https/,
    ],
  ])('rejects %p without the secret', (text, pattern) => {
    expect(() => parseSdkAuth(text, () => {})).toThrow(pattern);
    try {
      parseSdkAuth(text, () => {});
    } catch (err) {
      expect((err as Error).message).not.toContain(SECRET);
    }
  });
});

const aksExec = (args: string[]): KubeUser => ({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin', args } });

describe('kubeconfig handling', () => {
  it.each([
    ['kubelogin with --server-id X', aksExec(['get-token', '--server-id', 'abc-server', '--login', 'devicecode']), 'abc-server'],
    ['kubelogin with --server-id=X', aksExec(['get-token', '--server-id=abc-server']), 'abc-server'],
    ['kubelogin without --server-id', aksExec(['get-token']), AKS_SERVER_APP_ID],
    ['kubelogin by absolute path', { exec: { command: '/usr/local/bin/kubelogin', args: ['get-token'] } }, AKS_SERVER_APP_ID],
    ['legacy auth-provider azure', { 'auth-provider': { name: 'azure', config: { 'apiserver-id': 'legacy-app' } } }, 'legacy-app'],
    ['another exec plugin', { exec: { command: 'gke-gcloud-auth-plugin' } }, undefined],
    ['a client certificate', { 'client-certificate-data': 'x', 'client-key-data': 'y' }, undefined],
  ] as Array<[string, KubeUser, string | undefined]>)('entraServerId: %s', (_label, user, expected) => {
    expect(entraServerId(user)).toBe(expected);
  });

  const text = `apiVersion: v1
kind: Config
clusters:
- name: aks
  cluster: {server: 'https://aks.hcp.westeurope.azmk8s.io:443', certificate-authority-data: Q0EK}
contexts:
- name: aks
  context: {cluster: aks, user: u}
current-context: aks
users:
- name: u
  user:
    exec: {command: kubelogin, args: [get-token, --server-id, ${AKS_SERVER_APP_ID}]}
- name: other
  user: {token: tok-123456, client-key-data: KEYDATA, password: pw-123456, auth-provider: {name: oidc, config: {refresh-token: rt-123456}}, exec: {command: x, env: [{name: SECRET, value: env-123456}]}}
`;

  it('lists every credential value of every user', () => {
    expect(credentialValues(parseKubeconfig(text, 'test').config).sort()).toEqual(['KEYDATA', 'env-123456', 'pw-123456', 'rt-123456', 'tok-123456']);
  });

  it('lists the values of secret exec arguments, as `--flag value` and `--flag=value`, and only those', () => {
    const config = parseKubeconfig(
      JSON.stringify({
        clusters: [{ name: 'c', cluster: { server: 'https://x' } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'c',
        users: [
          {
            name: 'u',
            user: {
              exec: {
                command: 'kubelogin',
                args: [
                  'get-token',
                  '--client-secret',
                  'cs-value-1',
                  '--password=pw-value-2',
                  '--token',
                  'tk-value-3',
                  '--api_key',
                  'ak-value-4',
                  '--login',
                  'spn-login',
                  '--client-id',
                  'client-id-5',
                  '--token-cache-dir',
                  '/home/runner/.kube/cache',
                  '--password-file=/etc/pw-file',
                  '--token',
                ],
              },
            },
          },
        ],
      }),
      'test',
    ).config;
    expect(credentialValues(config).sort()).toEqual(['ak-value-4', 'cs-value-1', 'pw-value-2', 'tk-value-3']);
    expect(['--client-secret', '--password', '-p-token', '--access-token', '--id-token', '--private-key', '--secret'].every(isSecretFlag)).toBe(true);
    expect(['--client-id', '--token-file', '--secret-name', '--login', '--server-id', '--environment', '--tenant-id'].some(isSecretFlag)).toBe(false);
  });

  it('quotes names from the kubeconfig in its errors as one inert line', () => {
    const bad = JSON.stringify({ 'current-context': 'x\n::error::owned ##[group]y', contexts: [] });
    expect(() => parseKubeconfig(bad, "input 'kubeconfig'")).toThrow(
      "input 'kubeconfig' has no context named 'x ::error::owned #%23[group]y' (its current-context)",
    );
  });

  it('replaces only the current user with a token, keeping cluster, CA and context', () => {
    const out = parse(withTokenUser(parseKubeconfig(text, 'test'), 'the-token')) as {
      clusters: unknown;
      contexts: unknown;
      users: Array<{ name: string; user: unknown }>;
    };
    expect(out.users[0]).toEqual({ name: 'u', user: { token: 'the-token' } });
    expect(out.users[1].name).toBe('other');
    expect(out.clusters).toEqual([{ name: 'aks', cluster: { server: 'https://aks.hcp.westeurope.azmk8s.io:443', 'certificate-authority-data': 'Q0EK' } }]);
    expect(out.contexts).toEqual([{ name: 'aks', context: { cluster: 'aks', user: 'u' } }]);
  });

  it.each([
    [`users:\n- name: u\n  user: {token: ${SECRET}\n`, /is not valid YAML at line \d+, column \d+/],
    ['- a\n- list', /is not a kubeconfig/],
    ['kind: Pod\ncurrent-context: a', /has kind 'Pod', not 'Config'/],
    [`current-context: a\nusers: [{name: u, user: {token: ${SECRET}}}]`, /has no context named 'a'/],
    ['current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {}}]', /has no cluster 'c' with a server/],
    ['current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://x"}}]', /has no user 'u'/],
  ])('parseKubeconfig rejects %p without echoing content', (bad, pattern) => {
    expect(() => parseKubeconfig(bad, "input 'kubeconfig'")).toThrow(pattern);
    try {
      parseKubeconfig(bad, "input 'kubeconfig'");
    } catch (err) {
      expect((err as ActionError).describe()).not.toContain(SECRET);
    }
  });

  it('fetchClusterKubeconfig decodes the bytes once, and refuses an empty answer', async () => {
    const yaml = 'apiVersion: v1\nkind: Config\n';
    const client = (value?: Uint8Array) =>
      ({ managedClusters: { listClusterUserCredentials: async () => ({ kubeconfigs: value ? [{ name: 'clusterUser', value }] : undefined }) } }) as never;
    await expect(fetchClusterKubeconfig(client(Buffer.from(yaml)), { resourceGroup: 'rg', clusterName: 'c', admin: false, publicFqdn: false })).resolves.toBe(
      yaml,
    );
    await expect(fetchClusterKubeconfig(client(), { resourceGroup: 'rg', clusterName: 'c', admin: false, publicFqdn: false })).rejects.toThrow(
      'listClusterUserCredential returned no kubeconfig',
    );
  });
});

describe('explainAzureError', () => {
  const ctx: AzureCallContext = {
    stage: 'arm',
    operation: 'listClusterUserCredential',
    subscriptionId: 'sub',
    resourceGroup: 'rg',
    clusterName: 'aks',
    admin: false,
    scope: 'https://management.azure.com/.default',
    authorityHost: 'https://login.microsoftonline.com',
    armEndpoint: 'https://management.azure.com',
    clientId: 'cid',
    tenantId: 'tid',
    route: 'client-secret',
  };
  const rest = (statusCode: number, code: string, message: string) => Object.assign(new Error(message), { name: 'RestError', statusCode, code });
  const auth = (code: number, text: string) =>
    Object.assign(new Error(`invalid_client Status code: 401\nMore details:\nAADSTS${code}: ${text} Trace ID: 1 Correlation ID: 2 Timestamp: 3,`), {
      name: 'AuthenticationError',
    });

  it.each([
    [
      rest(403, 'AuthorizationFailed', 'no'),
      false,
      'listClusterUserCredential returned 403 AuthorizationFailed: no (cluster rg/aks, subscription sub). Assign the principal the "Azure Kubernetes Service Cluster User Role"',
    ],
    [
      rest(403, 'AuthorizationFailed', 'no'),
      true,
      'Assign the principal the "Azure Kubernetes Service Cluster Admin Role" (or Contributor) on the cluster: az role assignment create --assignee cid --role "Azure Kubernetes Service Cluster Admin Role" --scope /subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks',
    ],
    [rest(404, 'ResourceGroupNotFound', 'x'), false, 'Check `resource-group` and `subscription-id`'],
    [rest(404, 'ResourceNotFound', 'x'), false, "Check `cluster-name`: no AKS cluster 'aks' in resource group 'rg'"],
    [rest(404, 'SubscriptionNotFound', 'x'), false, 'Check `subscription-id`'],
    [rest(401, 'InvalidAuthenticationTokenTenant', 'x'), false, 'Wrong tenant: subscription sub belongs to another directory'],
    [rest(401, 'InvalidAuthenticationTokenAudience', 'x'), false, 'The ARM token was issued for another audience'],
    [
      rest(400, 'BadRequest', 'Getting static credential is not allowed because this cluster is set to disable local accounts.'),
      true,
      'set `admin: false` to use user credentials',
    ],
    [rest(503, 'ServiceUnavailable', 'x'), false, 'Azure had a transient problem: re-run the step'],
    [
      auth(7000215, 'Invalid client secret provided.'),
      false,
      'Signing in to Microsoft Entra ID for scope https://management.azure.com/.default failed: AADSTS7000215: Invalid client secret provided. (cluster rg/aks, subscription sub, https://login.microsoftonline.com). The client secret is wrong',
    ],
    [auth(700016, 'Application not found.'), false, 'Wrong tenant or client id'],
    [
      auth(700213, "No matching federated identity record found for presented assertion subject 'repo:a/b:ref:refs/heads/x'."),
      false,
      'add one to the app registration whose subject is exactly the one quoted above',
    ],
    [
      Object.assign(new Error('endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error'), {
        name: 'CredentialUnavailableError',
      }),
      false,
      'https://login.microsoftonline.com/tid has no OpenID configuration (endpoints_resolution_error) (cluster rg/aks, subscription sub). Wrong tenant: check `tenant-id`',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      false,
      'listClusterUserCredential could not reach https://management.azure.com: ECONNREFUSED',
    ],
    [Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), false, 'set NODE_EXTRA_CA_CERTS'],
  ])('%#: names the call and the fix', (err, admin, expected) => {
    expect(explainAzureError(err, { ...ctx, admin }).describe()).toContain(expected);
  });

  it.each([
    [
      "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'.",
      'the az CLI is not installed',
    ],
    ["Please run 'az login' from a command prompt to authenticate before using this credential.", 'the az CLI is not signed in'],
  ])('az CLI route: %s', (message, expected) => {
    const err = Object.assign(new Error(message), { name: 'CredentialUnavailableError' });
    const text = explainAzureError(err, { ...ctx, route: 'azure-cli', clientId: undefined }).describe();
    expect(text).toContain(expected);
    expect(text).toContain('run azure/login before this step');
  });

  it('keeps an ActionError found in the cause chain (e.g. from the OIDC callback inside MSAL)', () => {
    const inner = new ActionError('Getting the GitHub ID token failed', { fix: 'The job needs `permissions: id-token: write`' });
    const wrapped = Object.assign(new Error('wrapped', { cause: inner }), { name: 'AuthenticationRequiredError' });
    expect(explainAzureError(wrapped, ctx)).toBe(inner);
  });
});

describe('the kubeconfig file and its cleanup', () => {
  const temp = () => mkdtempSync(join(tmpdir(), 'aks-context-unit-'));

  it('is created exclusively with mode 0600, whatever the umask', () => {
    const dir = temp();
    const path = kubeconfigPathIn(dir);
    expect(path).toMatch(new RegExp(`^${dir}/kubeconfig-aks-context-[0-9a-f]{16}\\.yaml$`));
    const old = process.umask(0);
    try {
      writeSecureFile(path, 'content');
    } finally {
      process.umask(old);
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => writeSecureFile(path, 'other')).toThrow(/EEXIST/);
    expect(readFileSync(path, 'utf8')).toBe('content');
  });

  it('never writes through a planted symlink', () => {
    const dir = temp();
    const target = join(dir, 'target');
    writeFileSync(target, 'precious');
    const path = join(dir, 'kubeconfig');
    symlinkSync(target, path);
    expect(() => writeSecureFile(path, 'secret')).toThrow(/EEXIST/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it.each([
    [
      'removed',
      (dir: string) => {
        const p = join(dir, 'k');
        writeFileSync(p, 'x');
        return { kubeconfigPath: p, keep: false };
      },
      false,
      false,
    ],
    [
      'kept',
      (dir: string) => {
        const p = join(dir, 'k');
        writeFileSync(p, 'x');
        return { kubeconfigPath: p, keep: true };
      },
      false,
      true,
    ],
    ['missing', (dir: string) => ({ kubeconfigPath: join(dir, 'gone'), keep: false }), true, false],
    [
      'refused',
      (dir: string) => {
        const p = join(dir, 'd');
        mkdirSync(p);
        return { kubeconfigPath: p, keep: false };
      },
      true,
      true,
    ],
    [
      'refused',
      () => {
        const p = join(temp(), 'k');
        writeFileSync(p, 'x');
        return { kubeconfigPath: p, keep: false };
      },
      true,
      true,
    ],
  ] as const)('removeKubeconfig -> %s', (outcome, make, warning, stillThere) => {
    const runnerTemp = temp();
    const state = make(runnerTemp);
    const result = removeKubeconfig(state, runnerTemp);
    expect([result.outcome, result.warning]).toEqual([outcome, warning]);
    expect(existsSync(state.kubeconfigPath)).toBe(stillThere);
  });

  it('removeKubeconfig without state does nothing', () => {
    expect(removeKubeconfig(undefined, '/tmp')).toEqual({
      outcome: 'nothing',
      message: 'aks-context wrote no kubeconfig in this job: nothing to remove',
      warning: false,
    });
  });
});

describe('getInputs', () => {
  const oidcEnv = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x/?a=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
  const sub = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  const cid = '5e8b1a4c-2f3d-4e6a-9b7c-0d1e2f3a4b5c';
  const read = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}) => {
    const masked: string[] = [];
    const inputs = getInputs(
      new InputReader(
        (n) => values[n] ?? '',
        (v) => masked.push(v),
      ),
      env,
      (v) => masked.push(v),
    );
    return { inputs, masked };
  };
  const aks = { 'resource-group': 'rg', 'cluster-name': 'aks' };
  const creds = JSON.stringify({
    clientId: cid,
    clientSecret: SECRET,
    tenantId: 'tid',
    subscriptionId: sub,
    resourceManagerEndpointUrl: 'https://management.chinacloudapi.cn/',
    activeDirectoryEndpointUrl: 'https://login.chinacloudapi.cn',
  });

  it('OIDC when client-id and tenant-id are set', () => {
    expect(read({ ...aks, 'client-id': cid, 'tenant-id': 'drill.onmicrosoft.com', 'subscription-id': sub }, oidcEnv).inputs).toEqual({
      mode: 'azure',
      keepKubeconfig: false,
      resourceGroup: 'rg',
      clusterName: 'aks',
      subscriptionId: sub,
      credential: { kind: 'oidc', tenantId: 'drill.onmicrosoft.com', clientId: cid, audience: 'api://AzureADTokenExchange' },
      admin: false,
      publicFqdn: false,
      armEndpoint: undefined,
      authorityHost: undefined,
    });
  });

  it('creds: masks it whole and its secret first, even when another input is wrong', () => {
    expect(() => read({ 'resource-group': 'rg', 'cluster-name': '-bad-', creds })).toThrow("input 'cluster-name'");
    const masked: string[] = [];
    try {
      getInputs(
        new InputReader(
          (n) => ({ 'resource-group': 'rg', 'cluster-name': '-bad-', creds })[n] ?? '',
          (v) => masked.push(v),
        ),
        {},
        (v) => masked.push(v),
      );
    } catch {
      // expected
    }
    expect(masked).toEqual([creds, SECRET]);
  });

  it('creds: masks it whole and its secret; its subscription and endpoints apply unless inputs override them', () => {
    const { inputs, masked } = read({ ...aks, creds, 'arm-endpoint': 'https://management.example.cn/' });
    expect(masked).toEqual([creds, SECRET]);
    expect(inputs).toMatchObject({
      subscriptionId: sub,
      armEndpoint: 'https://management.example.cn',
      authorityHost: 'https://login.chinacloudapi.cn',
      credential: { kind: 'client-secret' },
    });
  });

  it('the az CLI when no credential input is set (subscription optional)', () => {
    expect(read({ ...aks, admin: 'true' }).inputs).toMatchObject({ credential: { kind: 'azure-cli' }, subscriptionId: undefined, admin: true });
  });

  it.each([
    [
      { ...aks, 'client-id': cid, 'tenant-id': 'drill.onmicrosoft.com', 'subscription-id': sub },
      {},
      "input 'client-id' selects OIDC federation, but this job cannot request a GitHub ID token (ACTIONS_ID_TOKEN_REQUEST_URL is not set); expected the job (or workflow) to grant `permissions: id-token: write`",
    ],
    [{ ...aks, 'client-id': cid, 'tenant-id': 'drill.onmicrosoft.com' }, oidcEnv, "input 'subscription-id' is required with OIDC federation"],
    [{ ...aks, 'client-id': cid, 'tenant-id': 'tid', 'subscription-id': sub }, oidcEnv, "input 'tenant-id' has the value 'tid', which is not a tenant id"],
    [{ ...aks, 'client-id': 'not-a-guid', 'tenant-id': 'tid' }, oidcEnv, "input 'client-id' has the value 'not-a-guid', which is not a GUID"],
    [{ ...aks, 'tenant-id': 'tid' }, oidcEnv, "input 'client-id' is required with 'tenant-id'"],
    [{ ...aks, creds, 'tenant-id': 'tid' }, oidcEnv, "input 'creds' and input 'tenant-id' were both set"],
    [{ ...aks, creds, audience: 'api://other' }, {}, "input 'audience' only applies to OIDC federation"],
    [
      { ...aks, creds: JSON.stringify({ clientId: cid, clientSecret: SECRET, tenantId: 't' }) },
      {},
      "input 'subscription-id' is required: 'creds' has no subscriptionId",
    ],
    [{ 'resource-group': 'rg.', 'cluster-name': 'aks' }, {}, "input 'resource-group' has the value 'rg.', which is not a resource group name"],
    [{ kubeconfig: 'x', admin: 'true' }, {}, "input 'admin' is for AKS clusters and cannot be used with 'kubeconfig'"],
    [{ kubeconfig: 'x', creds }, {}, "input 'kubeconfig' and input 'creds' were both set"],
  ])('rejects %p', (values, env, message) => {
    expect(() => read(values, env)).toThrow(message);
  });

  it('the kubeconfig input: content, base64 (masked), or a path', () => {
    const yaml = 'apiVersion: v1\nkind: Config\nclusters: []\n';
    expect(read({ kubeconfig: yaml }).inputs).toMatchObject({ mode: 'kubeconfig', origin: 'content', kubeconfig: yaml.trim() });
    const b64 = Buffer.from(yaml).toString('base64');
    expect(read({ kubeconfig: b64 })).toMatchObject({ inputs: { origin: 'base64', kubeconfig: yaml }, masked: [b64] });
    const file = join(temp(), 'config');
    writeFileSync(file, yaml);
    expect(read({ kubeconfig: file, 'keep-kubeconfig': 'true' }).inputs).toMatchObject({ origin: 'path', kubeconfig: yaml, keepKubeconfig: true });
  });

  it('says a kubeconfig path that does not exist does not exist, naming it; never quotes what may be a secret', () => {
    const missing = join(temp(), 'gone', 'kubeconfig.yaml');
    expect(() => read({ kubeconfig: missing })).toThrow(`input 'kubeconfig' names the file '${missing}', which does not exist; expected kubeconfig content`);
    expect(() => read({ kubeconfig: 'configs/dr.yml' })).toThrow(
      `input 'kubeconfig' names the file 'configs/dr.yml', which does not exist (looked for ${join(process.cwd(), 'configs/dr.yml')})`,
    );
    // One line that is no path: read as content (and refused as such later, without quoting it).
    for (const value of [
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
      'a/b+c=',
      'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/abcdefgh',
      'just-a-word',
      '{"clusters":[{"cluster":{"server":"https://k/x.yaml"}}],"users":[{"user":{"token":"t/x"}}]}',
      '{apiVersion: v1, clusters: [], server: https://k/config.yaml}',
      '[https://k/x.json]',
    ])
      expect(read({ kubeconfig: value }).inputs).toMatchObject({ origin: 'content', kubeconfig: value });
  });
  const temp = () => mkdtempSync(join(tmpdir(), 'aks-context-inputs-'));
});

describe('describeKubeconfig', () => {
  const base = { kubeconfig: '', source: 's', context: 'c', server: 'https://x' };
  it('says how long the token is valid, and warns when it is short', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(describeKubeconfig({ ...base, auth: 'entra-token', token: { scope: 'a/.default', expiresOnTimestamp: now + 3_599_000 } }, '/p', now)).toEqual({
      info: expect.arrayContaining(['The token for a/.default is valid until 2026-01-01T00:59:59.000Z (59m59s from now)']),
      warnings: [],
    });
    expect(
      describeKubeconfig({ ...base, auth: 'entra-token', token: { scope: 'a/.default', expiresOnTimestamp: now + 300_000 } }, '/p', now).warnings[0],
    ).toContain('expires in 5m00s');
  });
  it('makes kubeconfig text one inert line in the log', () => {
    const evil = { ...base, context: 'c\n::add-mask::west', server: 'https://x/##[group]', auth: 'exec' as const, execCommand: 'p\n::error::x' };
    const lines = describeKubeconfig(evil, '/p', 0);
    expect(lines.info[1]).toBe("Context 'c ::add-mask::west', server https://x/#%23[group], authentication: exec plugin");
    expect(lines.warnings[0]).toBe("The kubeconfig's user runs the exec plugin 'p ::error::x': it must be installed on the runner for later steps to connect.");
  });
  it('warns that an exec plugin must exist on the runner', () => {
    expect(describeKubeconfig({ ...base, auth: 'exec', execCommand: 'gke-gcloud-auth-plugin' }, '/p', 0).warnings).toEqual([
      "The kubeconfig's user runs the exec plugin 'gke-gcloud-auth-plugin': it must be installed on the runner for later steps to connect.",
    ]);
  });
});

describe('outputs and the failure summary', () => {
  const base = { kubeconfig: '', source: 's', context: 'c', server: 'https://x' };
  const azure: AksContextInputs = {
    mode: 'azure',
    keepKubeconfig: false,
    resourceGroup: 'rg',
    clusterName: 'aks',
    credential: { kind: 'azure-cli' },
    admin: false,
    publicFqdn: false,
  };

  it('outputs the path, and the token expiry when there is a token', () => {
    const expires = Date.UTC(2026, 0, 1);
    expect(outputsOf({ ...base, auth: 'entra-token', token: { scope: 'a/.default', expiresOnTimestamp: expires } }, '/p')).toEqual({
      'kubeconfig-path': '/p',
      'token-expires-on': '2026-01-01T00:00:00.000Z',
    });
    expect(outputsOf({ ...base, auth: 'token' }, '/p')).toEqual({ 'kubeconfig-path': '/p', 'token-expires-on': '' });
  });

  it('writes a summary whose kubeconfig text is escaped, and the path as code', () => {
    const evil = 'x</table><h1>y</h1> ![i](https://e.x/i.png)';
    const summary = summaryOf({ ...base, context: evil, server: `https://k/${evil}`, auth: 'token' }, '/tmp/kube config', false);
    expect(summary).toContain(`| Context | ${mdText(evil)} |`);
    expect(summary).toContain('| Kubeconfig | a file in `RUNNER_TEMP` (mode 0600), removed by the post step |');
    expect(summary).not.toContain('/tmp/kube config');
    for (const raw of ['</table>', '<h1>', '![', '](']) expect(summary).not.toContain(raw);
  });

  it('resolves RUNNER_TEMP to an absolute path by one rule, for main and post alike', () => {
    expect(runnerTempDir({ RUNNER_TEMP: 'rt' })).toBe(join(process.cwd(), 'rt'));
    expect(runnerTempDir({ RUNNER_TEMP: '/runner/_temp/' })).toBe('/runner/_temp');
    expect(runnerTempDir({})).toBeUndefined();
    expect(runnerTempDir({ RUNNER_TEMP: '' })).toBeUndefined();
  });

  it('says what failed, where, what to do, and that no kubeconfig was written', () => {
    const err = new ActionError('listClusterUserCredential returned 403 AuthorizationFailed: no', {
      where: 'cluster rg/aks, subscription sub',
      fix: 'Assign the principal the role',
    });
    expect(failureSummaryOf(err, { inputs: azure })).toBe(
      [
        '### ❌ aks-context failed',
        '',
        '**What failed:** listClusterUserCredential returned 403 AuthorizationFailed: no',
        '',
        '**Where:** cluster rg/aks, subscription sub',
        '',
        '**What to do:** Assign the principal the role',
        '',
        '**In place now:**',
        '',
        '- No kubeconfig was written and `KUBECONFIG` is not set: the steps after this one cannot reach the cluster.',
        '',
      ].join('\n'),
    );
  });

  it('names the input of an input error, before any input was read', () => {
    const text = failureSummaryOf(new InputError('cluster-name', "has the value '-bad-', which is not an AKS cluster name", 'a name'), {});
    expect(text).toContain("**What failed:** input 'cluster-name' has the value '-bad-', which is not an AKS cluster name; expected a name");
    expect(text).toContain("**Where:** input 'cluster-name'");
  });

  it('falls back to the cluster for an error without a place, and names a file the post step does not know', () => {
    const text = failureSummaryOf(new Error('Missing file at path: /x (GITHUB_STATE)'), { inputs: azure, written: { path: '/t/k.yaml', recorded: false } });
    expect(text).toContain('**What failed:** Missing file at path: /x \\(GITHUB\\_STATE\\)');
    expect(text).toContain('**Where:** AKS cluster rg/aks');
    expect(text).toContain('- The kubeconfig `/t/k.yaml` was written before the failure but not recorded for the post step');
  });

  it('says the post step removes a file written before the failure', () => {
    expect(failureSummaryOf(new Error('x'), { inputs: azure, written: { path: '/t/k.yaml', recorded: true } })).toContain(
      '- The kubeconfig `/t/k.yaml` was written before the failure; the post step removes it.',
    );
  });
});
