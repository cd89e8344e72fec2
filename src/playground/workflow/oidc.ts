import { generateKeyPair, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The issuer GitHub's tokens name. */
export const OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** What a job's token says about it, GitHub's claim names; `aud`, `iss` and the times are added per request. */
export type OidcClaims = Record<string, string>;

/** What a job granted `id-token: write` gets: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
export interface OidcGrant {
  requestUrl: string;
  requestToken: string;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/**
 * The run's OIDC token endpoint, on 127.0.0.1: each job granted `id-token: write` gets a request URL and token of
 * its own, and a GET of that URL with `Authorization: bearer <token>` (and `&audience=<aud>`, default the
 * repository owner's URL) answers `{ "value": "<jwt>" }` with that job's claims, signed RS256 with a key made for
 * the run, as GitHub's endpoint answers. Anything else is a 401 or a 404.
 */
export class OidcIssuer {
  private readonly grants = new Map<string, { token: string; claims: OidcClaims; audience: string }>();
  private readonly server: Server;
  private readonly kid = randomBytes(8).toString('hex');
  private url = '';

  private constructor(private readonly key: KeyObject) {
    this.server = createServer((req, res) => {
      const answer = (status: number, body: object): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const grant = /^\/idtoken\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
      const found = grant ? this.grants.get(grant[1]) : undefined;
      if (req.method !== 'GET' || !found) return answer(404, { message: 'Not Found' });
      const auth = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!auth || auth[1] !== found.token) return answer(401, { message: 'Unauthorized' });
      answer(200, { value: this.sign(found.claims, url.searchParams.get('audience') || found.audience) });
    });
  }

  static async start(): Promise<OidcIssuer> {
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    const issuer = new OidcIssuer(privateKey);
    await new Promise<void>((resolve, reject) => {
      issuer.server.once('error', reject);
      issuer.server.listen(0, '127.0.0.1', () => resolve());
    });
    issuer.url = `http://127.0.0.1:${(issuer.server.address() as AddressInfo).port}`;
    return issuer;
  }

  /** A request URL and token for one job. The URL already has a query, as GitHub's does: callers append `&audience=`. */
  grant(claims: OidcClaims, audience: string): OidcGrant {
    const id = randomBytes(12).toString('base64url');
    const token = randomBytes(24).toString('base64url');
    this.grants.set(id, { token, claims, audience });
    return { requestUrl: `${this.url}/idtoken/${id}?api-version=2.0`, requestToken: token };
  }

  private sign(claims: OidcClaims, audience: string): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid };
    const payload = { jti: randomUUID(), ...claims, aud: audience, iss: OIDC_ISSUER, nbf: now - 600, iat: now, exp: now + 300 };
    const data = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    return `${data}.${base64url(sign('sha256', Buffer.from(data), this.key))}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * GitHub's claims for one job: the run's repository, ref and commit, the top workflow (`workflow_ref`,
 * `workflow_sha`), the workflow file the job is defined in (`job_workflow_ref`, `job_workflow_sha`), and `sub` from
 * the environment when the job has one, else from the event or the ref (`:` in a value written `%3A`).
 */
export function jobClaims(
  github: Record<string, unknown>,
  jobWorkflow: { ref: string; sha: string },
  environment: string | undefined,
): { claims: OidcClaims; audience: string } {
  const g = (key: string): string => String(github[key] ?? '');
  const repository = g('repository');
  const esc = (value: string): string => value.replace(/:/g, '%3A');
  const sub = environment
    ? `repo:${repository}:environment:${esc(environment)}`
    : g('event_name') === 'pull_request'
      ? `repo:${repository}:pull_request`
      : `repo:${repository}:ref:${esc(g('ref'))}`;
  const claims: OidcClaims = {
    sub,
    ref: g('ref'),
    sha: g('sha'),
    repository,
    repository_owner: g('repository_owner'),
    run_id: g('run_id'),
    run_number: g('run_number'),
    run_attempt: g('run_attempt'),
    actor: g('actor'),
    workflow: g('workflow'),
    head_ref: g('head_ref'),
    base_ref: g('base_ref'),
    event_name: g('event_name'),
    ref_type: g('ref_type'),
    workflow_ref: g('workflow_ref'),
    workflow_sha: g('workflow_sha') || g('sha'),
    job_workflow_ref: jobWorkflow.ref,
    job_workflow_sha: jobWorkflow.sha,
    runner_environment: 'self-hosted',
    ...(environment ? { environment } : {}),
  };
  return { claims, audience: `${g('server_url') || 'https://github.com'}/${g('repository_owner')}` };
}
