import { randomUUID } from 'node:crypto';
import type { Directory } from './directory.js';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';
import { decodeJwt, verifyJwt } from './jwt.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);
const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * Microsoft Entra ID's v2.0 endpoints as MSAL uses them for client credentials:
 * `GET /{tenant}/v2.0/.well-known/openid-configuration`, `GET /{tenant}/discovery/v2.0/keys`,
 * `POST /{tenant}/oauth2/v2.0/token` (client_secret or a federated client_assertion).
 * Errors carry Entra's AADSTS codes and texts, so callers' error handling meets the real thing.
 */
export function handleEntra(dir: Directory, base: string, req: EmulatorRequest): EmulatorResponse {
  const match = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token)$/.exec(req.url.pathname);
  if (!match)
    return {
      status: 404,
      body: { error: 'not_found', error_description: `The emulator does not implement ${req.method} ${req.url.pathname}` },
      record: { route: 'unknown' },
    };
  const tenantName = decodeURIComponent(match[1]);
  const route = match[2].startsWith('v2.0') ? 'openid-configuration' : match[2].startsWith('discovery') ? 'keys' : 'token';
  const tenant = dir.tenant(tenantName);
  if (!tenant) {
    return oauthError(
      dir,
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenantName}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      { route, tenantId: tenantName },
    );
  }
  if (route === 'openid-configuration') {
    if (req.method !== 'GET') return oauthError(dir, 405, 'invalid_request', 900561, 'The endpoint only accepts GET requests.', { route });
    const root = `${base}/${tenant.id}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${root}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${root}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${root}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
        authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${root}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid'],
        kerberos_endpoint: `${root}/kerberos`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
      record: { route, tenantId: tenant.id },
    };
  }
  if (route === 'keys') return { status: 200, body: { keys: [] }, record: { route, tenantId: tenant.id } };
  if (req.method !== 'POST') return oauthError(dir, 405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.', { route });
  return token(dir, tenant.id, new URLSearchParams(req.body));
}

function token(dir: Directory, tenantId: string, form: URLSearchParams): EmulatorResponse {
  const clientId = form.get('client_id') ?? '';
  const requested = form.get('scope') ?? '';
  const record = { route: 'token', tenantId, clientId, scope: requested };
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return oauthError(dir, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`, record);
  }
  if (!clientId) return oauthError(dir, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.", record);
  const principal = dir.principal(tenantId, clientId);
  if (!principal) {
    return oauthError(
      dir,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      record,
    );
  }

  // Scope: client credentials take exactly one resource with `/.default` (MSAL may add OIDC scopes).
  const scopes = requested.split(' ').filter((s) => s && !OIDC_SCOPES.has(s));
  if (scopes.length === 0) return oauthError(dir, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.", record);
  const scope = scopes[0];
  record.scope = scope;
  if (scopes.length > 1 || !scope.endsWith('/.default')) {
    return oauthError(
      dir,
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      record,
    );
  }

  let credential: 'client_secret' | 'client_assertion';
  let assertionClaims: { issuer: string; subject: string; audience: string; jti: string } | undefined;
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null) {
    credential = 'client_secret';
    if (principal.expiredSecrets?.includes(secret)) {
      return oauthError(
        dir,
        401,
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
        record,
      );
    }
    if (!principal.secrets?.includes(secret)) {
      return oauthError(
        dir,
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        record,
      );
    }
  } else if (assertion !== null) {
    credential = 'client_assertion';
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      return oauthError(
        dir,
        400,
        'invalid_request',
        50027,
        'JWT token is invalid or malformed (client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer).',
        record,
      );
    }
    const checked = checkAssertion(dir, principal, assertion);
    if ('error' in checked) return oauthError(dir, checked.status, checked.error, checked.code, checked.message, record);
    assertionClaims = checked;
  } else {
    return oauthError(
      dir,
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      record,
    );
  }

  const resource = scope.replace(/\/\.default$/, '');
  if (!dir.isKnownResource(resource)) {
    return oauthError(
      dir,
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      record,
    );
  }
  const grant = dir.issue({ tenantId, clientId: principal.clientId, scope, credential, assertion: assertionClaims });
  const expiresIn = Math.round((grant.expiresAt - grant.issuedAt) / 1000);
  return { status: 200, body: { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: grant.token }, record };
}

type AssertionCheck = { issuer: string; subject: string; audience: string; jti: string } | { error: string; status: number; code: number; message: string };

/** Validates a federated client assertion the way Entra does: signature, time range, then issuer/subject/audience. */
function checkAssertion(dir: Directory, principal: Directory['principals'][number], assertion: string): AssertionCheck {
  const jwt = decodeJwt(assertion);
  if (!jwt) return { error: 'invalid_request', status: 400, code: 50027, message: 'JWT token is invalid or malformed.' };
  const claims = jwt.payload;
  const iss = String(claims.iss ?? '');
  const sub = String(claims.sub ?? '');
  const aud = Array.isArray(claims.aud) ? String(claims.aud[0]) : String(claims.aud ?? '');
  const issuer = dir.issuers.find((i) => i.issuer === iss);
  if (!issuer) {
    return {
      error: 'invalid_request',
      status: 400,
      code: 700211,
      message: `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    };
  }
  if (!verifyJwt(jwt, issuer.publicKeyPem)) {
    return { error: 'invalid_client', status: 401, code: 50013, message: 'Assertion failed signature validation.' };
  }
  const nowS = Math.floor(dir.now() / 1000);
  const exp = Number(claims.exp);
  const nbf = Number(claims.nbf ?? claims.iat);
  if (!(nowS < exp) || nowS + 300 < nbf) {
    const iso = (s: number) => new Date(s * 1000).toISOString();
    return {
      error: 'invalid_client',
      status: 401,
      code: 700024,
      message: `Client assertion is not within its valid time range. Current time: ${iso(nowS)}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}.`,
    };
  }
  const records = (principal.federated ?? []).filter((f) => f.issuer === iss);
  if (!records.some((f) => f.subject === sub)) {
    return {
      error: 'invalid_client',
      status: 401,
      code: 700213,
      message: `No matching federated identity record found for presented assertion subject '${sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    };
  }
  if (!records.some((f) => f.subject === sub && (f.audiences ?? [DEFAULT_AUDIENCE]).includes(aud))) {
    return {
      error: 'invalid_client',
      status: 401,
      code: 700212,
      message: `No matching federated identity record found for presented assertion audience '${aud}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    };
  }
  return { issuer: iss, subject: sub, audience: aud, jti: String(claims.jti ?? '') };
}

function oauthError(dir: Directory, status: number, error: string, code: number, text: string, record: EmulatorResponse['record']): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(dir.now())
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    record: { ...record, code: error },
  };
}
