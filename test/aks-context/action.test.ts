import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { text } from '../../src/core/markdown.js';
import { runAction, findLeaks, errorLines, type ActionRun } from '../helpers/run-action.js';
import { AKS_SERVER_APP_ID } from '../../src/playground/azure/index.js';
import { fakeAz, maskedValues, visible } from './helpers.js';
import { liveWorld, world } from './scenario.js';

const w = world();
const live = liveWorld(w);

/** The child trusts the TEST-ONLY CA the standard way; nothing disables TLS verification. */
const tlsEnv = () => ({ NODE_EXTRA_CA_CERTS: live.az.caPath });
const credsFor = (clientId: string, extra: Record<string, unknown> = {}) => JSON.stringify({ ...JSON.parse(live.az.sdkAuthJson(clientId)), ...extra });

/** Every secret the world holds or the emulators issued so far: none may be visible. */
function secrets(): string[] {
  const kubeconfigs = live.az.grants().map((g) => g.token);
  return [
    w.deployer.secret,
    w.noRole.secret,
    w.stranger.secret,
    w.operator.secret,
    w.expired.secret,
    ...kubeconfigs,
    ...live.oidc.issued().map((t) => t.token),
    ...Object.values(w.clusters).map((c) => live.az.localAccountToken(c)),
    live.oidc.requestToken,
  ];
}

function expectNoLeaks(run: ActionRun): void {
  expect(findLeaks(visible(run), secrets())).toEqual([]);
}

/**
 * The run wrote its kubeconfig at `kubeconfig-path`, inside RUNNER_TEMP, and every credential in it
 * (there is at least one) was registered as a mask before the action said anything about the file.
 */
function expectKubeconfigMasked(run: ActionRun): void {
  const path = run.outputs['kubeconfig-path'];
  expect(path).toMatch(new RegExp(`^${run.runnerTemp}/kubeconfig-aks-context-[0-9a-f]{16}\\.yaml$`));
  expect(existsSync(path)).toBe(true);
  const credentials = kubeconfigOf(run).users.flatMap((u) =>
    ['token', 'client-key-data', 'client-certificate-data'].map((key) => u.user[key]).filter((v): v is string => typeof v === 'string'),
  );
  expect(credentials.length).toBeGreaterThan(0);
  const lines = run.stdout.split('\n');
  const wrote = lines.findIndex((l) => l.startsWith('Wrote the kubeconfig of '));
  expect(wrote).toBeGreaterThan(0);
  const maskedBefore = maskedValues({ stdout: lines.slice(0, wrote).join('\n') });
  for (const credential of credentials) expect(maskedBefore).toContain(credential);
}

/** A failed run left no kubeconfig file in RUNNER_TEMP, and its job summary says so. */
function expectNothingWritten(run: ActionRun): void {
  expect(readdirSync(run.runnerTemp).filter((f) => f.startsWith('kubeconfig-'))).toEqual([]);
  expect(run.summary).toContain('- No kubeconfig was written and `KUBECONFIG` is not set');
}

function kubeconfigOf(run: ActionRun): {
  users: Array<{ name: string; user: Record<string, unknown> }>;
  clusters: Array<{ cluster: { server: string } }>;
  'current-context': string;
} {
  return parse(readFileSync(run.outputs['kubeconfig-path'], 'utf8'));
}

describe('aks-context (bundled, against the Azure emulator over HTTPS)', () => {
  it('creds (sdk-auth JSON): user credentials of a local-account cluster, written 0600 under RUNNER_TEMP, KUBECONFIG exported', async () => {
    const run = await runAction('aks-context', {
      inputs: { creds: credsFor(w.deployer.clientId), 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.local },
      env: tlsEnv(),
    });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const path = run.outputs['kubeconfig-path'];
    expect(path.startsWith(`${run.runnerTemp}/`)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(run.env.KUBECONFIG).toBe(path);
    expect(run.state['kubeconfig-path']).toBe(path);
    const config = kubeconfigOf(run);
    expect(config.users[0].name).toBe(`clusterUser_${w.resourceGroup}_${w.clusters.local}`);
    expect(config.users[0].user.token).toBe(live.az.localAccountToken(w.clusters.local));
    // Sovereign-cloud fields of creds were honoured: ARM scope = its resourceManagerEndpointUrl.
    const arm = live.az.requests('arm');
    expect(arm.map((r) => [r.route, r.status, r.query['api-version'], r.query.format, r.scope])).toEqual([
      ['listClusterUserCredential', 200, '2026-04-01', 'exec', `${live.az.armEndpoint}/.default`],
    ]);
    expect(arm[0].userAgent).toMatch(/^ccloud-dr-actions\/\S+ .*azsdk-js-arm-containerservice/);
    // The secret was masked before anything else was printed.
    const firstMask = run.stdout.indexOf(`::add-mask::${w.deployer.secret}`);
    expect(firstMask).toBeGreaterThanOrEqual(0);
    expect(run.stdout.slice(0, firstMask).replace(/::add-mask::[^\n]*\n/g, '')).toBe('');
    expectNoLeaks(run);
    expectKubeconfigMasked(run);
  });

  it('creds: admin credentials carry the client certificate, masked, and use listClusterAdminCredential', async () => {
    const run = await runAction('aks-context', {
      inputs: { creds: credsFor(w.deployer.clientId), 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.local, admin: 'true' },
      env: tlsEnv(),
    });
    expect(run.code).toBe(0);
    const user = kubeconfigOf(run).users[0];
    expect(user.name).toBe(`clusterAdmin_${w.resourceGroup}_${w.clusters.local}`);
    expect(String(user.user['client-key-data'])).toMatch(/^[A-Za-z0-9+/=]{200,}$/);
    expect(maskedValues(run)).toEqual(expect.arrayContaining([user.user['client-key-data'], user.user['client-certificate-data'], user.user.token]));
    expect(live.az.requests('arm').map((r) => r.route)).toEqual(['listClusterAdminCredential']);
    expect(run.summary).toContain('admin credentials');
    expectNoLeaks(run);
    expectKubeconfigMasked(run);
  });

  it('creds: an Entra ID cluster gets a token kubeconfig for the AKS server app, from the same credential', async () => {
    const run = await runAction('aks-context', {
      inputs: { creds: credsFor(w.deployer.clientId), 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.entra },
      env: tlsEnv(),
    });
    expect(errorLines(run)).toEqual([]);
    const grants = live.az.grants().filter((g) => g.clientId === w.deployer.clientId);
    const aks = grants[grants.length - 1];
    expect([aks.scope, aks.credential, aks.tenantId]).toEqual([`${AKS_SERVER_APP_ID}/.default`, 'client_secret', w.tenantId]);
    const config = kubeconfigOf(run);
    expect(config.users).toEqual([{ name: `clusterUser_${w.resourceGroup}_${w.clusters.entra}`, user: { token: aks.token } }]);
    expect(config.clusters[0].cluster.server).toMatch(/^https:\/\/aks-entra-dns-[0-9a-f]{8}\.hcp\.westeurope\.azmk8s\.io:443$/);
    // MSAL dates the expiry from its own clock when the answer arrives (whole seconds): within a few seconds of the issuer's.
    expect(Math.abs(Date.parse(run.outputs['token-expires-on']) - aks.expiresAt)).toBeLessThan(5000);
    expect(run.stdout).toMatch(/The token for 6dae42f8-4368-4678-94ff-3960e28e3630\/\.default is valid until \S+ \(59m\d\ds from now\)/);
    expect(maskedValues(run)).toContain(aks.token);
    // The ARM token was masked too, although only the SDK ever held it.
    expect(maskedValues(run)).toContain(grants[grants.length - 2].token);
    expectNoLeaks(run);
    expectKubeconfigMasked(run);
  });

  it('public-fqdn asks for server-fqdn=public and gets the public API server', async () => {
    live.az.updateCluster(w.clusters.local, { publicServer: 'https://aks-local-public.westeurope.azmk8s.io:443' });
    try {
      const run = await runAction('aks-context', {
        inputs: { creds: credsFor(w.deployer.clientId), 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.local, 'public-fqdn': 'true' },
        env: tlsEnv(),
      });
      expect(run.code).toBe(0);
      expect(live.az.requests('arm')[0].query['server-fqdn']).toBe('public');
      expect(kubeconfigOf(run).clusters[0].cluster.server).toBe('https://aks-local-public.westeurope.azmk8s.io:443');
    } finally {
      live.az.updateCluster(w.clusters.local, { publicServer: undefined });
    }
  });

  it('OIDC: the GitHub ID token is fetched by callback for each Entra ID token (ARM, then the AKS server app)', async () => {
    const before = live.oidc.issued().length;
    const run = await runAction('aks-context', {
      inputs: {
        'client-id': w.federated.clientId,
        'tenant-id': w.tenantId,
        'subscription-id': w.subscriptionId,
        'resource-group': w.resourceGroup,
        'cluster-name': w.clusters.entra,
        'arm-endpoint': live.az.armEndpoint,
        'authority-host': live.az.authorityHost,
      },
      env: { ...tlsEnv(), ...live.oidc.env() },
    });
    expect(errorLines(run)).toEqual([]);
    const ids = live.oidc.issued().slice(before);
    // MSAL (msal-node 5) evaluates the assertion callback twice per token request (once when it builds
    // the client configuration, once for the request itself), so two Entra ID token requests make
    // four ID-token calls.
    expect(ids.map((t) => t.audience)).toEqual(Array(4).fill('api://AzureADTokenExchange'));
    expect(new Set(ids.map((t) => t.jti)).size).toBe(4);
    const grants = live.az
      .grants()
      .filter((g) => g.clientId === w.federated.clientId)
      .slice(-2);
    expect(grants.map((g) => [g.scope, g.credential, g.assertion?.subject])).toEqual([
      [`${live.az.armEndpoint}/.default`, 'client_assertion', w.federated.subject],
      [`${AKS_SERVER_APP_ID}/.default`, 'client_assertion', w.federated.subject],
    ]);
    // The later (AKS) token used a fresh assertion, fetched after the one the ARM token used.
    const used = grants.map((g) => ids.findIndex((t) => t.jti === g.assertion?.jti));
    expect(used[0]).toBeGreaterThanOrEqual(0);
    expect(used[1]).toBeGreaterThanOrEqual(2);
    expect(kubeconfigOf(run).users[0].user).toEqual({ token: grants[1].token });
    expect(maskedValues(run)).toEqual(expect.arrayContaining(ids.map((t) => t.token)));
    expectNoLeaks(run);
    expectKubeconfigMasked(run);
  });

  it('OIDC without `permissions: id-token: write` fails before any network call and says so', async () => {
    const run = await runAction('aks-context', {
      inputs: {
        'client-id': w.federated.clientId,
        'tenant-id': w.tenantId,
        'subscription-id': w.subscriptionId,
        'resource-group': w.resourceGroup,
        'cluster-name': w.clusters.entra,
        'arm-endpoint': live.az.armEndpoint,
        'authority-host': live.az.authorityHost,
      },
      env: tlsEnv(),
    });
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain('`permissions: id-token: write`');
    expect(live.az.requests()).toEqual([]);
    expect(run.state).toEqual({});
  });

  it("OIDC with a subject the app does not trust: Entra's refusal and the federated credential to add", async () => {
    live.oidc.setSubject('repo:acme/drill:ref:refs/heads/feature');
    try {
      const run = await runAction('aks-context', {
        inputs: {
          'client-id': w.federated.clientId,
          'tenant-id': w.tenantId,
          'subscription-id': w.subscriptionId,
          'resource-group': w.resourceGroup,
          'cluster-name': w.clusters.entra,
          'arm-endpoint': live.az.armEndpoint,
          'authority-host': live.az.authorityHost,
        },
        env: { ...tlsEnv(), ...live.oidc.env() },
      });
      expect(run.code).toBe(1);
      const error = errorLines(run).join('\n');
      expect(error).toContain(
        "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:acme/drill:ref:refs/heads/feature'",
      );
      expect(error).toContain('add one to the app registration');
      expect(live.az.requests('arm')).toEqual([]);
      expect(run.summary).toContain("**What to do:** No federated credential matches this job's subject: add one to the app registration");
      expectNothingWritten(run);
      expectNoLeaks(run);
    } finally {
      live.oidc.setSubject(w.federated.subject);
    }
  });

  it('az CLI route (after azure/login): tokens from `az account get-access-token`, subscription from `az account show`', async () => {
    const cli = fakeAz();
    const arm = live.az.issueToken({ tenantId: w.tenantId, clientId: w.deployer.clientId, scope: `${live.az.armEndpoint}/.default` });
    const aks = live.az.issueToken({ tenantId: w.tenantId, clientId: w.deployer.clientId, scope: `${AKS_SERVER_APP_ID}/.default` });
    cli.token(live.az.armEndpoint, arm.token, arm.expiresAt);
    cli.token(AKS_SERVER_APP_ID, aks.token, aks.expiresAt);
    cli.account(w.subscriptionId, w.tenantId);
    const run = await runAction('aks-context', {
      inputs: { 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.entra, 'arm-endpoint': live.az.armEndpoint },
      env: { ...tlsEnv(), PATH: cli.path },
    });
    expect(errorLines(run)).toEqual([]);
    expect(cli.calls()).toEqual([
      'account show --output json',
      `account get-access-token --output json --resource ${live.az.armEndpoint}`,
      `account get-access-token --output json --resource ${AKS_SERVER_APP_ID}`,
    ]);
    expect(kubeconfigOf(run).users[0].user).toEqual({ token: aks.token });
    expect(live.az.requests('entra')).toEqual([]);
    expect(maskedValues(run)).toEqual(expect.arrayContaining([arm.token, aks.token]));
    expectNoLeaks(run);
    expectKubeconfigMasked(run);
  });

  it('az CLI route without a login: says which credentials to give', async () => {
    const cli = fakeAz();
    const run = await runAction('aks-context', {
      inputs: { 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.entra, 'subscription-id': w.subscriptionId, 'arm-endpoint': live.az.armEndpoint },
      env: { ...tlsEnv(), PATH: cli.path },
    });
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain('No Azure credential was given and the az CLI is not signed in');
    expect(errorLines(run).join('\n')).toContain('run azure/login before this step');
    expect(live.az.requests()).toEqual([]);
  });

  it.each([
    [
      'admin on a cluster with local accounts disabled',
      w.deployer,
      w.clusters.noLocal,
      'true',
      'listClusterAdminCredential returned 400 BadRequest: Getting static credential is not allowed because this cluster is set to disable local accounts.',
      'set `admin: false` to use user credentials',
    ],
    [
      'a principal without the user role (403)',
      w.noRole,
      w.clusters.entra,
      'false',
      'listClusterUserCredential returned 403 AuthorizationFailed',
      `az role assignment create --assignee ${w.noRole.clientId} --role "Azure Kubernetes Service Cluster User Role" --scope /subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${w.clusters.entra}`,
    ],
    [
      'admin without the admin role (403)',
      w.deployer,
      w.clusters.entra,
      'true',
      'listClusterAdminCredential returned 403 AuthorizationFailed',
      'Assign the principal the "Azure Kubernetes Service Cluster Admin Role"',
    ],
    [
      'a cluster that does not exist',
      w.deployer,
      'aks-nope',
      'false',
      "listClusterUserCredential returned 404 ResourceNotFound: The Resource 'Microsoft.ContainerService/managedClusters/aks-nope' under resource group 'rg-dr' was not found",
      "Check `cluster-name`: no AKS cluster 'aks-nope' in resource group 'rg-dr'",
    ],
  ])('fails clearly on %s, writing nothing', async (_label, principal, cluster, admin, what, fix) => {
    const run = await runAction('aks-context', {
      inputs: { creds: credsFor(principal.clientId, { clientSecret: principal.secret }), 'resource-group': w.resourceGroup, 'cluster-name': cluster, admin },
      env: tlsEnv(),
    });
    expect(run.code).toBe(1);
    const error = errorLines(run).join('\n');
    expect(error).toContain(what);
    expect(error).toContain(fix);
    expect(error).toContain(`cluster ${w.resourceGroup}/${cluster}, subscription ${w.subscriptionId}`);
    expect(run.state).toEqual({});
    expect(run.env.KUBECONFIG).toBeUndefined();
    // The job summary says the same: what failed, where, what to do, and that no kubeconfig exists.
    expect(run.summary).toContain('### ❌ aks-context failed');
    expect(run.summary).toContain(`**What failed:** ${text(what)}`);
    expect(run.summary).toContain(`**Where:** cluster ${w.resourceGroup}/${cluster}, subscription ${w.subscriptionId}`);
    expect(run.summary).toContain(text(fix));
    expectNothingWritten(run);
    expectNoLeaks(run);
  });

  it('fails clearly when the resource group does not exist (for a principal with rights on the subscription)', async () => {
    const run = await runAction('aks-context', {
      inputs: { creds: credsFor(w.operator.clientId, { clientSecret: w.operator.secret }), 'resource-group': 'rg-typo', 'cluster-name': w.clusters.local },
      env: tlsEnv(),
    });
    expect(run.code).toBe(1);
    expect(errorLines(run).join('\n')).toContain("listClusterUserCredential returned 404 ResourceGroupNotFound: Resource group 'rg-typo' could not be found.");
    expect(errorLines(run).join('\n')).toContain('Check `resource-group` and `subscription-id`');
  });

  it.each([
    [
      'a subscription of another tenant',
      () => credsFor(w.stranger.clientId, { subscriptionId: w.subscriptionId }),
      'InvalidAuthenticationTokenTenant',
      'Wrong tenant: subscription',
    ],
    ['an app that is not in the tenant', () => credsFor(w.deployer.clientId, { tenantId: w.otherTenantId }), 'AADSTS700016', 'Wrong tenant or client id'],
    [
      'a tenant that does not exist',
      () => credsFor(w.deployer.clientId, { tenantId: '00000000-1111-2222-3333-444444444444' }),
      "/00000000-1111-2222-3333-444444444444 has no OpenID configuration (endpoints_resolution_error: HTTP 400 AADSTS90002: Tenant '00000000-1111-2222-3333-444444444444' not found",
      'Wrong tenant: check `tenant-id`',
    ],
    [
      'a wrong client secret',
      () => credsFor(w.deployer.clientId, { clientSecret: 'not-the-secret-value-0123456789' }),
      'AADSTS7000215: Invalid client secret provided',
      'use the secret VALUE (not its ID)',
    ],
    ['an expired client secret', () => credsFor(w.expired.clientId, { clientSecret: w.expired.secret }), 'AADSTS7000222', 'The client secret has expired'],
  ])('sign-in problems are explained: %s', async (_label, creds, what, fix) => {
    const run = await runAction('aks-context', {
      inputs: { creds: creds(), 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.local },
      env: tlsEnv(),
    });
    expect(run.code).toBe(1);
    const error = errorLines(run).join('\n');
    expect(error).toContain(what);
    expect(error).toContain(fix);
    expect(error).not.toContain('Trace ID');
    expect(findLeaks(visible(run), [...secrets(), 'not-the-secret-value-0123456789'])).toEqual([]);
  });
});

describe('aks-context input errors: clear, and before any network call', () => {
  it.each([
    [
      { creds: '{}', 'client-id': '5e8b1a4c-2f3d-4e6a-9b7c-0d1e2f3a4b5c', 'resource-group': 'rg', 'cluster-name': 'c' },
      "input 'creds' and input 'client-id' were both set",
    ],
    [{ 'client-id': '5e8b1a4c-2f3d-4e6a-9b7c-0d1e2f3a4b5c', 'resource-group': 'rg', 'cluster-name': 'c' }, "input 'tenant-id' is required with 'client-id'"],
    [{ 'resource-group': 'rg', 'cluster-name': '-bad-' }, "input 'cluster-name' has the value '-bad-', which is not an AKS cluster name"],
    [{ 'cluster-name': 'c' }, "input 'resource-group' is required (unless 'kubeconfig' is given)"],
    [{ kubeconfig: 'apiVersion: v1', 'resource-group': 'rg' }, "input 'kubeconfig' and input 'resource-group' were both set"],
    [
      { creds: '{"clientId": "x", "clientSecret": "s3cr3t-value-never-shown", ', 'resource-group': 'rg', 'cluster-name': 'c' },
      "input 'creds' is not valid JSON",
    ],
    [
      { creds: '{"clientId": "x", "clientSecret": "s3cr3t-value-never-shown"}', 'resource-group': 'rg', 'cluster-name': 'c' },
      "input 'creds' has no 'tenantId'",
    ],
    [{ 'resource-group': 'rg', 'cluster-name': 'c', admin: 'yes' }, "input 'admin' has the value 'yes', which is not a boolean"],
    [
      { 'resource-group': 'rg', 'cluster-name': 'c', 'arm-endpoint': 'http://127.0.0.1:1' },
      "input 'arm-endpoint' has the value 'http://127.0.0.1:1', which is not https",
    ],
  ])('%p', async (inputs, message) => {
    const run = await runAction('aks-context', { inputs, env: { PATH: '/nonexistent' } });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toHaveLength(1);
    expect(errorLines(run)[0]).toContain(message);
    expect(visible(run)).not.toContain('s3cr3t-value-never-shown');
    expect(run.state).toEqual({});
    expect(run.summary).toContain(`**What failed:** ${text(message)}`);
    expect(run.summary).toMatch(/^\*\*Where:\*\* input '[a-z-]+'$/m);
    expectNothingWritten(run);
  });
});

describe('aks-context kubeconfig route and the post step', () => {
  const token = `kube-token-${Date.now().toString(36)}-9f8e7d6c5b4a`;
  const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: onprem
  cluster:
    server: https://kube.example.internal:6443
contexts:
- name: onprem
  context: {cluster: onprem, user: deployer, namespace: clients}
current-context: onprem
users:
- name: deployer
  user:
    token: ${token}
`;

  it('writes the given kubeconfig (no Azure at all), masks its token, and post removes exactly that file', async () => {
    const run = await runAction('aks-context', { inputs: { kubeconfig } });
    expect(errorLines(run)).toEqual([]);
    const path = run.outputs['kubeconfig-path'];
    expect(readFileSync(path, 'utf8')).toBe(kubeconfig.trim());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(maskedValues(run)).toContain(token);
    expect(findLeaks(visible(run), [token])).toEqual([]);
    expect(live.az.requests()).toEqual([]);
    const neighbour = join(run.runnerTemp, 'other-file');
    writeFileSync(neighbour, 'keep me');
    const post = await runAction('aks-context', { entry: 'post', state: run.state, runnerTemp: run.runnerTemp });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(`Removed the kubeconfig ${path}`);
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(neighbour, 'utf8')).toBe('keep me');
  });

  it('a failure after the kubeconfig was written names the file in the job summary, and post still removes it', async () => {
    // GITHUB_ENV in a directory that does not exist: exporting KUBECONFIG fails after the file was written.
    const run = await runAction('aks-context', { inputs: { kubeconfig }, env: { GITHUB_ENV: join(tmpdir(), `aks-context-no-dir-${Date.now()}`, 'env') } });
    expect(run.code).toBe(1);
    expect(errorLines(run)[0]).toContain('Missing file at path');
    const files = readdirSync(run.runnerTemp).filter((f) => f.startsWith('kubeconfig-'));
    expect(files).toHaveLength(1);
    const path = join(run.runnerTemp, files[0]);
    expect(run.state['kubeconfig-path']).toBe(path);
    expect(run.summary).toContain(`- The kubeconfig \`${path}\` was written before the failure; the post step removes it.`);
    expect(run.summary).toContain("**Where:** the 'kubeconfig' input");
    expect(findLeaks(visible(run), [token])).toEqual([]);
    const post = await runAction('aks-context', { entry: 'post', state: run.state, runnerTemp: run.runnerTemp });
    expect(post.code).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('accepts the kubeconfig base64-encoded, and masks the encoded form', async () => {
    const encoded = Buffer.from(kubeconfig).toString('base64');
    const run = await runAction('aks-context', { inputs: { kubeconfig: encoded } });
    expect(run.code).toBe(0);
    expect(readFileSync(run.outputs['kubeconfig-path'], 'utf8')).toBe(kubeconfig);
    expect(maskedValues(run)).toEqual(expect.arrayContaining([encoded, token]));
  });

  it('rejects content that is not a kubeconfig without echoing it', async () => {
    const run = await runAction('aks-context', { inputs: { kubeconfig: `apiVersion: v1\nusers:\n- name: x\n  user: {token: ${token}}\n` } });
    expect(run.code).toBe(1);
    expect(errorLines(run)[0]).toContain("input 'kubeconfig' has no 'current-context'");
    expect(findLeaks(visible(run), [token])).toEqual([]);
    expect(run.summary).toContain("**What failed:** input 'kubeconfig' has no 'current-context'");
    expect(run.summary).toContain("**Where:** the 'kubeconfig' input");
    expect(run.summary).toContain('**What to do:** Pass a complete kubeconfig');
    expectNothingWritten(run);
  });

  it('keep-kubeconfig: post leaves the file and says so', async () => {
    const run = await runAction('aks-context', { inputs: { kubeconfig, 'keep-kubeconfig': 'true' } });
    const post = await runAction('aks-context', { entry: 'post', state: run.state, runnerTemp: run.runnerTemp });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('keep-kubeconfig: true');
    expect(existsSync(run.outputs['kubeconfig-path'])).toBe(true);
  });

  it('a file already gone is a warning, not a failure; no state means nothing to do', async () => {
    const run = await runAction('aks-context', { inputs: { kubeconfig } });
    const post1 = await runAction('aks-context', { entry: 'post', state: run.state, runnerTemp: run.runnerTemp });
    const post2 = await runAction('aks-context', { entry: 'post', state: run.state, runnerTemp: run.runnerTemp });
    expect([post1.code, post2.code]).toEqual([0, 0]);
    expect(post2.stdout).toMatch(/^::warning::The kubeconfig \S+ was already gone/m);
    const none = await runAction('aks-context', { entry: 'post' });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('nothing to remove');
  });
});
