import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signJwt } from './jwt.js';

/**
 * A stand-in for the GitHub Actions ID-token service that `core.getIDToken()` calls
 * (`ACTIONS_ID_TOKEN_REQUEST_URL` + `&audience=...`, bearer `ACTIONS_ID_TOKEN_REQUEST_TOKEN`).
 * It signs RS256 JWTs shaped like GitHub's (`iss`, `sub`, `aud`, `jti`, `exp` 5 minutes ahead) with a
 * key made at start-up; hand `issuer` and `publicKeyPem` to the Azure emulator as a federated issuer.
 */
export interface GithubOidcOptions {
  /** The `sub` claim, e.g. `repo:acme/drill:environment:production` (the default). */
  subject?: string;
  /** Default `https://token.actions.githubusercontent.com`. */
  issuer?: string;
  /** Lifetime of each ID token; GitHub's is 300 s. */
  lifetimeSeconds?: number;
  /** Wall clock in ms (tests can move time). */
  now?: () => number;
  port?: number;
}

/** One ID token handed out. */
export interface IssuedIdToken {
  audience: string;
  subject: string;
  jti: string;
  token: string;
  issuedAt: number;
}

export interface GithubOidc {
  /** `ACTIONS_ID_TOKEN_REQUEST_URL`: already carries `?api-version=2.0`, as GitHub's does. */
  readonly url: string;
  /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
  readonly requestToken: string;
  readonly issuer: string;
  readonly publicKeyPem: string;
  /** Both environment variables a job with `permissions: id-token: write` gets. */
  env(): Record<'ACTIONS_ID_TOKEN_REQUEST_URL' | 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', string>;
  setSubject(subject: string): void;
  issued(): IssuedIdToken[];
  close(): Promise<void>;
}

/** Starts the GitHub ID-token stand-in on 127.0.0.1 (plain HTTP, as `@actions/core` accepts). */
export async function startGithubOidc(options: GithubOidcOptions = {}): Promise<GithubOidc> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  const issuer = options.issuer ?? 'https://token.actions.githubusercontent.com';
  const lifetime = options.lifetimeSeconds ?? 300;
  const now = options.now ?? Date.now;
  const requestToken = randomBytes(24).toString('base64url');
  let subject = options.subject ?? 'repo:acme/drill:environment:production';
  const issued: IssuedIdToken[] = [];
  const path = `/_apis/distributedtask/hubs/Actions/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== path) return send(404, { message: 'Not found' });
    if (req.headers.authorization !== `Bearer ${requestToken}`) return send(401, { message: 'TF400813: The user is not authorized to access this resource.' });
    const audience = url.searchParams.get('audience') ?? `https://github.com/${subject.split(':')[1]?.split('/')[0] ?? 'acme'}`;
    const iat = Math.floor(now() / 1000);
    const jti = randomUUID();
    const repository = subject.split(':')[1] ?? 'acme/drill';
    const token = signJwt(
      {
        jti,
        sub: subject,
        aud: audience,
        repository,
        repository_owner: repository.split('/')[0],
        ref: 'refs/heads/main',
        event_name: 'workflow_dispatch',
        runner_environment: 'github-hosted',
        iss: issuer,
        nbf: iat - 5,
        iat,
        exp: iat + lifetime,
      },
      privateKey,
      kid,
    );
    issued.push({ audience, subject, jti, token, issuedAt: now() });
    send(200, { count: token.length, value: token });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${path}?api-version=2.0`;
  return {
    url,
    requestToken,
    issuer,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    env: () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }),
    setSubject: (s) => {
      subject = s;
    },
    issued: () => [...issued],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
