import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SPECS, specsDir } from '../helpers/openapi.js';
import { AKS_CLIENT_APP_ID, AKS_SERVER_APP_ID, startGithubOidc, type AzureEmulator, type GithubOidc } from '../../src/playground/azure/index.js';
import { signJwt } from '../../src/playground/azure/jwt.js';
import { form, httpsJson } from './helpers.js';
import { startWorld, world } from './scenario.js';

/**
 * The Azure emulator held to the ARM spec kept in spec/azure/ (the managedClusters 2026-04-01 excerpt and
 * its examples) and to Entra ID's documented token-endpoint behaviour, over real HTTPS with the TEST-ONLY CA.
 */
const w = world();
let az: AzureEmulator;
let oidc: GithubOidc;
let now = Date.now();

const armSpec = JSON.parse(readFileSync(SPECS.azure, 'utf8')) as Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv); // `format: byte` = base64, checked for real
ajv.addSchema({ ...armSpec, $id: 'arm' });
const credentialResults = ajv.compile({ $ref: 'arm#/definitions/CredentialResults' });
/** ARM's ErrorResponse (common-types v6, not in the excerpt): `{error: {code, message, ...}}`. */
const errorResponse = ajv.compile({
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', minLength: 1 }, message: { type: 'string', minLength: 1 } } },
  },
});

beforeAll(async () => {
  oidc = await startGithubOidc({ subject: w.federated.subject, now: () => now });
  az = await startWorld(w, { federatedIssuers: [{ issuer: oidc.issuer, publicKeyPem: oidc.publicKeyPem }], now: () => now });
});
afterAll(async () => {
  await az?.close();
  await oidc?.close();
});
beforeEach(() => {
  now = Date.now();
});

const tokenUrl = (tenant: string) => `${az.authorityHost}/${tenant}/oauth2/v2.0/token`;
async function token(tenant: string, fields: Record<string, string>) {
  const f = form({ grant_type: 'client_credentials', ...fields });
  return httpsJson(tokenUrl(tenant), { method: 'POST', ...f, ca: az.caPem });
}
async function secretToken(clientId: string, secret: string, scope: string, tenant = w.tenantId) {
  return token(tenant, { client_id: clientId, client_secret: secret, scope });
}
const armScope = () => `${az.armEndpoint}/.default`;
const clusterPath = (cluster: string, op: string, rg = w.resourceGroup, sub = w.subscriptionId) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${cluster}/${op}`;
async function arm(path: string, accessToken: string | undefined, query = 'api-version=2026-04-01') {
  return httpsJson(`${az.armEndpoint}${path}?${query}`, {
    method: 'POST',
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    ca: az.caPem,
  });
}
async function deployerToken(scope = armScope()): Promise<string> {
  const res = await secretToken(w.deployer.clientId, w.deployer.secret, scope);
  expect(res.status).toBe(200);
  return (res.json as { access_token: string }).access_token;
}
const aadCode = (json: unknown) => (json as { error_codes: number[] }).error_codes[0];
const armError = (json: unknown) => (json as { error: { code: string; message: string } }).error;

describe('Entra ID token endpoints', () => {
  it('serves the OpenID configuration MSAL needs, per tenant id or domain', async () => {
    for (const tenant of [w.tenantId, 'drill.onmicrosoft.com']) {
      const res = await httpsJson(`${az.authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`, { ca: az.caPem });
      expect(res.status).toBe(200);
      const config = res.json as Record<string, string>;
      for (const field of ['token_endpoint', 'authorization_endpoint', 'issuer', 'end_session_endpoint', 'jwks_uri'])
        expect(config[field]).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
      expect(config.token_endpoint).toBe(tokenUrl(w.tenantId));
      expect(config.issuer).toBe(`${az.authorityHost}/${w.tenantId}/v2.0`);
    }
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await httpsJson(`${az.authorityHost}/contoso.example/v2.0/.well-known/openid-configuration`, { ca: az.caPem });
    expect([res.status, (res.json as { error: string }).error, aadCode(res.json)]).toEqual([400, 'invalid_tenant', 90002]);
  });

  it('issues distinct random tokens per scope and records who asked, with what', async () => {
    const a = await secretToken(w.deployer.clientId, w.deployer.secret, armScope());
    const b = await secretToken(w.deployer.clientId, w.deployer.secret, `${AKS_SERVER_APP_ID}/.default`);
    const c = await secretToken(w.deployer.clientId, w.deployer.secret, `openid profile offline_access ${armScope()}`);
    const tokens = [a, b, c].map((r) => (r.json as { access_token: string }).access_token);
    expect(
      [a, b, c].map((r) => [r.status, (r.json as { token_type: string; expires_in: number }).token_type, (r.json as { expires_in: number }).expires_in]),
    ).toEqual(Array(3).fill([200, 'Bearer', 3599]));
    expect(new Set(tokens).size).toBe(3);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const grants = az.grants().slice(-3);
    expect(grants.map((g) => [g.token, g.scope, g.clientId, g.credential])).toEqual([
      [tokens[0], armScope(), w.deployer.clientId, 'client_secret'],
      [tokens[1], `${AKS_SERVER_APP_ID}/.default`, w.deployer.clientId, 'client_secret'],
      [tokens[2], armScope(), w.deployer.clientId, 'client_secret'],
    ]);
  });

  it.each([
    ['a wrong secret', () => secretToken(w.deployer.clientId, 'wrong', armScope()), 401, 'invalid_client', 7000215],
    ['an expired secret', () => secretToken(w.expired.clientId, w.expired.secret, armScope()), 401, 'invalid_client', 7000222],
    ['an app from another tenant', () => secretToken(w.stranger.clientId, w.stranger.secret, armScope()), 400, 'unauthorized_client', 700016],
    [
      'a scope without /.default',
      () => secretToken(w.deployer.clientId, w.deployer.secret, `${az.armEndpoint}/user_impersonation`),
      400,
      'invalid_scope',
      1002012,
    ],
    ['an unknown resource', () => secretToken(w.deployer.clientId, w.deployer.secret, 'https://management.example/.default'), 400, 'invalid_resource', 500011],
    ['no credential', () => token(w.tenantId, { client_id: w.deployer.clientId, scope: armScope() }), 401, 'invalid_client', 7000218],
    [
      'another grant type',
      () => token(w.tenantId, { grant_type: 'password', client_id: w.deployer.clientId, scope: armScope() }),
      400,
      'unsupported_grant_type',
      70003,
    ],
  ])('refuses %s with Entra error and AADSTS code', async (_label, call, status, error, code) => {
    const res = await call();
    expect([res.status, (res.json as { error: string }).error, aadCode(res.json)]).toEqual([status, error, code]);
    expect((res.json as { error_description: string }).error_description).toMatch(
      new RegExp(`^AADSTS${code}: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: `),
    );
  });

  describe('federated client assertions (GitHub OIDC)', () => {
    const assertionFields = (assertion: string) => ({
      client_id: w.federated.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: armScope(),
    });
    async function githubToken(audience = 'api://AzureADTokenExchange'): Promise<string> {
      const res = await fetch(`${oidc.url}&audience=${encodeURIComponent(audience)}`, { headers: { authorization: `Bearer ${oidc.requestToken}` } });
      return ((await res.json()) as { value: string }).value;
    }

    it('the GitHub stand-in needs its request token, like the real service', async () => {
      expect((await fetch(`${oidc.url}&audience=x`)).status).toBe(401);
    });

    it('accepts a valid assertion and records its subject and jti', async () => {
      const assertion = await githubToken();
      const res = await token(w.tenantId, assertionFields(assertion));
      expect(res.status).toBe(200);
      const grant = az.grants().at(-1)!;
      const issued = oidc.issued().at(-1)!;
      expect(grant.assertion).toEqual({
        issuer: 'https://token.actions.githubusercontent.com',
        subject: w.federated.subject,
        audience: 'api://AzureADTokenExchange',
        jti: issued.jti,
      });
      expect(grant.credential).toBe('client_assertion');
    });

    it('refuses another subject (700213), another audience (700212), an expired assertion (700024) and a forged one (50013)', async () => {
      oidc.setSubject('repo:acme/drill:pull_request');
      const otherSubject = await githubToken();
      oidc.setSubject(w.federated.subject);
      const otherAudience = await githubToken('https://github.com/acme');
      const expired = await githubToken();
      const forgedKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const iat = Math.floor(now / 1000);
      const forged = signJwt(
        { iss: oidc.issuer, sub: w.federated.subject, aud: 'api://AzureADTokenExchange', jti: randomUUID(), iat, nbf: iat, exp: iat + 300 },
        forgedKey,
        'k',
      );
      const codes: number[] = [];
      for (const assertion of [otherSubject, otherAudience]) codes.push(aadCode((await token(w.tenantId, assertionFields(assertion))).json));
      now += 301_000; // GitHub ID tokens live 5 minutes
      codes.push(aadCode((await token(w.tenantId, assertionFields(expired))).json));
      now -= 301_000;
      codes.push(aadCode((await token(w.tenantId, assertionFields(forged))).json));
      expect(codes).toEqual([700213, 700212, 700024, 50013]);
    });
  });
});

describe('ARM credential calls (spec/azure/managedClusters.2026-04-01.excerpt.json)', () => {
  it('the spec examples themselves validate against the schema (the check can fail)', () => {
    for (const name of ['ManagedClustersListClusterUserCredentials.json', 'ManagedClustersListClusterAdminCredentials.json']) {
      const example = JSON.parse(readFileSync(join(specsDir, 'azure/examples', name), 'utf8')) as { responses: { 200: { body: unknown } } };
      expect(credentialResults(example.responses[200].body)).toBe(true);
    }
    expect(credentialResults({ kubeconfigs: [{ name: 'x', value: 'not base64!' }] })).toBe(false);
  });

  it.each([
    ['listClusterUserCredential', 'aks-local', 'clusterUser', 'client-certificate-data'],
    ['listClusterAdminCredential', 'aks-local', 'clusterAdmin', 'client-certificate-data'],
    ['listClusterMonitoringUserCredential', 'aks-local', 'clusterMonitoringUser', 'client-certificate-data'],
    ['listClusterUserCredential', 'aks-entra', 'clusterUser', 'exec'],
  ])('%s on %s: a spec-valid base64 kubeconfig', async (op, cluster, name, userKey) => {
    const principal = op === 'listClusterMonitoringUserCredential' ? w.operator : w.deployer;
    const res = await secretToken(principal.clientId, principal.secret, armScope());
    const reply = await arm(clusterPath(cluster, op), (res.json as { access_token: string }).access_token);
    expect(reply.status).toBe(200);
    expect(credentialResults(reply.json)).toBe(true);
    const { kubeconfigs } = reply.json as { kubeconfigs: Array<{ name: string; value: string }> };
    expect(kubeconfigs.map((k) => k.name)).toEqual([name]);
    const config = parse(Buffer.from(kubeconfigs[0].value, 'base64').toString('utf8')) as {
      kind: string;
      'current-context': string;
      users: Array<{ name: string; user: Record<string, unknown> }>;
      clusters: Array<{ cluster: Record<string, string> }>;
    };
    expect(config.kind).toBe('Config');
    expect(config.users[0].name).toBe(`${name}_${w.resourceGroup}_${cluster}`);
    expect(Object.keys(config.users[0].user)).toContain(userKey);
    expect(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(az.caPem);
    expect(reply.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('Entra ID user kubeconfig: kubelogin exec by default and with format=exec, legacy auth-provider with format=azure', async () => {
    const t = await deployerToken();
    const decode = (json: unknown) =>
      parse(Buffer.from((json as { kubeconfigs: Array<{ value: string }> }).kubeconfigs[0].value, 'base64').toString()) as {
        users: Array<{ user: { exec?: { command: string; args: string[] }; 'auth-provider'?: { name: string; config: Record<string, string> } } }>;
      };
    for (const query of ['api-version=2026-04-01', 'api-version=2026-04-01&format=exec']) {
      const exec = decode((await arm(clusterPath('aks-entra', 'listClusterUserCredential'), t, query)).json).users[0].user.exec!;
      expect(exec.command).toBe('kubelogin');
      expect(exec.args).toEqual([
        'get-token',
        '--environment',
        'AzurePublicCloud',
        '--server-id',
        AKS_SERVER_APP_ID,
        '--client-id',
        AKS_CLIENT_APP_ID,
        '--tenant-id',
        w.tenantId,
        '--login',
        'devicecode',
      ]);
    }
    const legacy = decode((await arm(clusterPath('aks-entra', 'listClusterUserCredential'), t, 'api-version=2026-04-01&format=azure')).json).users[0].user[
      'auth-provider'
    ]!;
    expect(legacy.name).toBe('azure');
    expect(legacy.config['apiserver-id']).toBe(AKS_SERVER_APP_ID);
  });

  it.each([
    ['no Authorization header', async () => arm(clusterPath('aks-local', 'listClusterUserCredential'), undefined), 401, 'AuthenticationFailed'],
    ['an unknown token', async () => arm(clusterPath('aks-local', 'listClusterUserCredential'), 'made-up-token'), 401, 'InvalidAuthenticationToken'],
    [
      'a token for the AKS server app, not ARM',
      async () => arm(clusterPath('aks-local', 'listClusterUserCredential'), await deployerToken(`${AKS_SERVER_APP_ID}/.default`)),
      401,
      'InvalidAuthenticationTokenAudience',
    ],
    [
      'a token from another tenant',
      async () =>
        arm(
          clusterPath('aks-local', 'listClusterUserCredential'),
          ((await secretToken(w.stranger.clientId, w.stranger.secret, armScope(), w.otherTenantId)).json as { access_token: string }).access_token,
        ),
      401,
      'InvalidAuthenticationTokenTenant',
    ],
    [
      'a principal without a role',
      async () =>
        arm(
          clusterPath('aks-local', 'listClusterUserCredential'),
          ((await secretToken(w.noRole.clientId, w.noRole.secret, armScope())).json as { access_token: string }).access_token,
        ),
      403,
      'AuthorizationFailed',
    ],
    [
      'the user role asking for admin credentials',
      async () => arm(clusterPath('aks-entra', 'listClusterAdminCredential'), await deployerToken()),
      403,
      'AuthorizationFailed',
    ],
    [
      'an unknown subscription',
      async () => arm(clusterPath('aks-local', 'listClusterUserCredential', w.resourceGroup, randomUUID()), await deployerToken()),
      404,
      'SubscriptionNotFound',
    ],
    [
      'a missing resource group',
      async () =>
        arm(
          clusterPath('aks-local', 'listClusterUserCredential', 'rg-none'),
          ((await secretToken(w.operator.clientId, w.operator.secret, armScope())).json as { access_token: string }).access_token,
        ),
      404,
      'ResourceGroupNotFound',
    ],
    ['a missing cluster', async () => arm(clusterPath('aks-none', 'listClusterUserCredential'), await deployerToken()), 404, 'ResourceNotFound'],
    ['no api-version', async () => arm(clusterPath('aks-local', 'listClusterUserCredential'), await deployerToken(), ''), 400, 'MissingApiVersionParameter'],
    [
      'an unknown api-version',
      async () => arm(clusterPath('aks-local', 'listClusterUserCredential'), await deployerToken(), 'api-version=2019-01-01'),
      400,
      'NoRegisteredProviderFound',
    ],
    [
      'admin credentials with local accounts disabled',
      async () => arm(clusterPath('aks-entra-nolocal', 'listClusterAdminCredential'), await deployerToken()),
      400,
      'BadRequest',
    ],
  ])('answers %s with an ARM ErrorResponse', async (_label, call, status, code) => {
    const reply = await call();
    expect(reply.status).toBe(status);
    expect(errorResponse(reply.json)).toBe(true);
    expect(armError(reply.json).code).toBe(code);
    if (status === 401) expect(String(reply.headers['www-authenticate'])).toMatch(/^Bearer authorization_uri="https:\/\/login\.windows\.net\//);
  });

  it('the local-accounts-disabled refusal has AKS exact wording', async () => {
    const reply = await arm(clusterPath('aks-entra-nolocal', 'listClusterAdminCredential'), await deployerToken());
    expect(armError(reply.json).message).toBe('Getting static credential is not allowed because this cluster is set to disable local accounts.');
  });

  it('an expired ARM token is refused', async () => {
    const t = await deployerToken();
    now += 3600_000;
    const reply = await arm(clusterPath('aks-local', 'listClusterUserCredential'), t);
    expect([reply.status, armError(reply.json).code]).toEqual([401, 'ExpiredAuthenticationToken']);
  });

  it('server-error faults last for `count` requests and carry Retry-After when asked', async () => {
    const t = await deployerToken();
    az.setFault('arm', { kind: 'server-error', count: 2, retryAfterSeconds: 3 });
    const replies = [
      await arm(clusterPath('aks-local', 'listClusterUserCredential'), t),
      await arm(clusterPath('aks-local', 'listClusterUserCredential'), t),
      await arm(clusterPath('aks-local', 'listClusterUserCredential'), t),
    ];
    expect(replies.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(replies[0].headers['retry-after']).toBe('3');
    expect(errorResponse(replies[0].json)).toBe(true);
  });

  it('records every request with its route, status and principal', async () => {
    az.resetRequests();
    const t = await deployerToken();
    await arm(clusterPath('aks-local', 'listClusterUserCredential'), t, 'api-version=2026-04-01&server-fqdn=public');
    expect(az.requests().map((r) => [r.service, r.route, r.status, r.clientId])).toEqual([
      ['entra', 'token', 200, w.deployer.clientId],
      ['arm', 'listClusterUserCredential', 200, w.deployer.clientId],
    ]);
    expect(az.requests('arm')[0].query).toEqual({ 'api-version': '2026-04-01', 'server-fqdn': 'public' });
  });
});
