import { accessSync, constants, statSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { delimiter, isAbsolute, resolve } from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { ActionError, InputError } from '../errors.js';
import type { Logger } from '../log.js';
import { backoffDelay, parseRetryAfter } from '../retry.js';
import { systemClock } from '../time.js';
import { USER_AGENT } from '../version.js';

/**
 * The one place where `@kubernetes/client-node` clients are built. client-node is heavy (about 5 MB
 * of minified code), so it is imported dynamically by `connectKube`, after the inputs were validated:
 * an input error never pays for evaluating it.
 *
 * The import is webpack-`eager`: ncc keeps client-node in the minified main file (its module code
 * only runs when `connectKube` asks for it) instead of an unminified 19.5 MB lazy chunk, which ncc
 * does not minify. Measured: 5.7 MB in one file instead of 0.6 + 19.5 MB.
 */

/** Field manager of every write the actions make, so `managedFields` show who changed an object. */
export const FIELD_MANAGER = 'ccloud-dr-actions';

/** Where the kubeconfig comes from, after validation by `resolveKubeconfig`. */
export interface KubeTarget {
  /** Absolute path(s) to kubeconfig files; several are merged like `KUBECONFIG=a:b`. */
  kubeconfigPaths: string[];
  /** Name of the input that gave them (for error messages). */
  input: string;
}

/** The clients an action uses; all share one KubeConfig (credentials, TLS, server) and one set of request bounds. */
export interface KubeClients {
  lib: typeof K8s;
  config: K8s.KubeConfig;
  core: K8s.CoreV1Api;
  apps: K8s.AppsV1Api;
  batch: K8s.BatchV1Api;
  /** SelfSubjectAccessReview: what the identity may do, asked before the first change. */
  authorization: K8s.AuthorizationV1Api;
  /** Server URL of the current context, for messages. */
  server: string;
  /** How long each request may take; set `limits.deadline` to make the step's timeout bound every request. */
  limits: RequestLimits;
  /** undici's fetch, as client-node uses it (for watch streams, see watch-stream.ts). */
  fetch: typeof import('undici').fetch;
}

/** The bound of one request when no input says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The time bounds of Kubernetes requests: each request (headers and body) gets the request timeout, capped by
 * what is left until `deadline` (the step's own timeout), so an API server that accepts connections and never
 * answers cannot hold a step past either. Watches take their connection bound from here too.
 */
export class RequestLimits {
  constructor(
    readonly requestTimeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS,
    /** Epoch ms after which no request may run; undefined: only the request timeout. */
    public deadline?: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The time the next request may take, and which bound set it. */
  budget(): { ms: number; bound: 'request-timeout' | 'deadline' } {
    const left = this.deadline === undefined ? Infinity : this.deadline - this.now();
    return left < this.requestTimeoutMs ? { ms: Math.max(0, Math.floor(left)), bound: 'deadline' } : { ms: this.requestTimeoutMs, bound: 'request-timeout' };
  }
}

/** `30s`, `9.5s`: a bound as messages show it. */
function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** A Kubernetes request that got no (complete) answer within its bound. */
export class KubeTimeoutError extends Error {
  constructor(
    readonly ms: number,
    readonly bound: 'request-timeout' | 'deadline',
  ) {
    super(
      ms <= 0
        ? "the step's timeout had passed before the Kubernetes API answered"
        : `the Kubernetes API did not answer within ${seconds(ms)} (${bound === 'deadline' ? "what was left of the step's timeout" : 'the request timeout'})`,
    );
    this.name = 'KubeTimeoutError';
  }
}

/** Options of `connectKube`. */
export interface ConnectOptions {
  /** Bound of each request (default 30 s). */
  requestTimeoutMs?: number;
  /** Epoch ms: no request runs past it (the step's timeout); can be set later on `limits`. */
  deadline?: number;
  /** Where retries of reads are logged (debug). */
  logger?: Logger;
  /** Jitter source of the read retries' backoff (tests). */
  random?: () => number;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Retries of a failed read when no deadline bounds them (swap-configmap): a few, quick. */
const READ_RETRIES_WITHOUT_DEADLINE = 3;

/**
 * client-node's HTTP library (undici fetch), bounded: every request gets an abort timer from `limits` that covers
 * the headers and the whole body, and reads (GET) are retried on 429, 5xx and network errors with jittered
 * backoff, honouring Retry-After: until the deadline when there is one, else a few times. A timed-out read is
 * retried only while a deadline leaves time for another attempt; writes are never retried here.
 */
function boundedHttpLibrary(lib: typeof K8s, fetch: typeof import('undici').fetch, limits: RequestLimits, options: ConnectOptions): K8s.HttpLibrary {
  const random = options.random ?? Math.random;
  const sleep = (ms: number) => systemClock.sleep(ms);
  const send = async (request: K8s.RequestContext): Promise<K8s.ResponseContext> => {
    const method = request.getHttpMethod().toString();
    const read = method === 'GET';
    for (let attempt = 1; ; attempt++) {
      const budget = limits.budget();
      const controller = new AbortController();
      const timeout = new KubeTimeoutError(budget.ms, budget.bound);
      const timer = setTimeout(() => controller.abort(timeout), budget.ms);
      let retry: { why: string; retryAfterMs?: number } | undefined;
      try {
        if (budget.ms <= 0) throw timeout;
        const headers = { 'User-Agent': USER_AGENT, ...request.getHeaders() };
        const response = await fetch(request.getUrl(), {
          method,
          body: request.getBody() as string | undefined,
          headers,
          signal: controller.signal,
          dispatcher: request.getDispatcher() as import('undici').Dispatcher | undefined,
        });
        // The whole body is read under the same timer: a server that sends headers and then stalls is bounded too.
        const text = await response.text();
        const answer: Record<string, string> = {};
        response.headers.forEach((value, name) => (answer[name] = value));
        const result = () =>
          new lib.ResponseContext(response.status, answer, { text: async () => text, binary: async () => Buffer.from(text), stream: () => null });
        if (!(read && RETRYABLE_STATUS.has(response.status))) return result();
        retry = { why: `HTTP ${response.status}`, retryAfterMs: parseRetryAfter(answer['retry-after'], systemClock) };
        if (!canRetry(attempt, false)) return result();
      } catch (err) {
        const timedOut = controller.signal.aborted || err === timeout;
        if (!read || !canRetry(attempt, timedOut)) throw timedOut ? timeout : err;
        retry = { why: timedOut ? timeout.message : ((err as Error).message ?? String(err)) };
      } finally {
        clearTimeout(timer);
      }
      const wait = backoffDelay({ retries: 0, baseDelayMs: 250, maxDelayMs: 4000, maxRetryAfterMs: 10_000 }, attempt, random, retry.retryAfterMs);
      const left = limits.budget();
      const pause = left.bound === 'deadline' ? Math.min(wait, Math.max(0, left.ms - 1)) : wait;
      options.logger?.debug(`${method} ${request.getUrl()}: ${retry.why}; retrying in ${pause}ms (attempt ${attempt + 1})`);
      await sleep(pause);
    }
  };
  /** Whether a failed read may be tried again: while the deadline leaves time, or a few times without one (timeouts: never). */
  const canRetry = (attempt: number, timedOut: boolean): boolean => {
    if (limits.deadline === undefined) return !timedOut && attempt <= READ_RETRIES_WITHOUT_DEADLINE;
    return limits.budget().ms > 0;
  };
  return lib.wrapHttpLibrary({ send });
}

const AKS_HINT = 'run the aks-context action earlier in the job (it exports KUBECONFIG), or pass the path of a kubeconfig file';

/**
 * Validates the kubeconfig input (a path; default env `KUBECONFIG`) without reading its content:
 * the file must exist and be readable. Pure apart from `fs` checks; no network.
 */
export function resolveKubeconfig(value: string | undefined, env: NodeJS.ProcessEnv = process.env, input = 'kubeconfig', cwd = process.cwd()): KubeTarget {
  const fromEnv = !value;
  const raw = value || env.KUBECONFIG || '';
  if (!raw) {
    throw new InputError(input, 'was not set and the KUBECONFIG environment variable is empty', `the path of a kubeconfig file: ${AKS_HINT}`);
  }
  const base = env.GITHUB_WORKSPACE || cwd;
  const paths = raw
    .split(delimiter)
    .filter((p) => p.trim() !== '')
    .map((p) => (isAbsolute(p.trim()) ? p.trim() : resolve(base, p.trim())));
  for (const path of paths) {
    const shown = fromEnv ? `KUBECONFIG entry '${path}'` : `'${path}'`;
    let problem: string | undefined;
    try {
      if (!statSync(path).isFile()) problem = 'is not a file';
      else accessSync(path, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problem ??= code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be read (${code ?? (err as Error).message})`;
    }
    if (problem) throw new InputError(input, `points to ${shown}, which ${problem}`, `a readable kubeconfig file: ${AKS_HINT}`);
  }
  return { kubeconfigPaths: paths, input };
}

/** Loads client-node, reads the kubeconfig and builds the API clients, every request bounded by `limits`. */
export async function connectKube(target: KubeTarget, options: ConnectOptions = {}): Promise<KubeClients> {
  const lib = await import('@kubernetes/client-node');
  const { fetch } = await import('undici');
  const config = new lib.KubeConfig();
  try {
    for (const [i, path] of target.kubeconfigPaths.entries()) {
      if (i === 0) {
        config.loadFromFile(path);
      } else {
        const more = new lib.KubeConfig();
        more.loadFromFile(path);
        config.mergeConfig(more, true);
      }
    }
  } catch (err) {
    throw new ActionError(`the kubeconfig could not be read: ${(err as Error).message}`, {
      where: `input '${target.input}': ${target.kubeconfigPaths.join(delimiter)}`,
      fix: `check the file is a valid kubeconfig; ${AKS_HINT}`,
      cause: err,
    });
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new ActionError('the kubeconfig has no current context with a cluster', {
      where: `input '${target.input}': ${target.kubeconfigPaths.join(delimiter)}`,
      fix: 'set `current-context` in the file to a context that names a cluster',
    });
  }
  const limits = new RequestLimits(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, options.deadline);
  const configuration = lib.createConfiguration({
    baseServer: new lib.ServerConfiguration(cluster.server, {}),
    authMethods: { default: config },
    httpApi: boundedHttpLibrary(lib, fetch, limits, options),
  });
  return {
    lib,
    config,
    core: new lib.CoreV1Api(configuration),
    apps: new lib.AppsV1Api(configuration),
    batch: new lib.BatchV1Api(configuration),
    authorization: new lib.AuthorizationV1Api(configuration),
    server: cluster.server,
    limits,
    fetch,
  };
}

/** A Kubernetes `Status` object as returned in error bodies. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: Array<{ message?: string; field?: string }> };
}

/** HTTP status of a client-node failure (ApiException `code`, or a watch error's `statusCode`), if any. */
export function errorStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** Parses an ApiException body (raw response text) into a Status, when it is one. */
export function parseStatus(err: unknown): KubeStatus | undefined {
  const body = (err as { body?: unknown })?.body;
  if (body && typeof body === 'object') return body as KubeStatus;
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const parsed = JSON.parse(body) as KubeStatus;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** An RBAC permission a request needs, for the message of a 403. */
export interface Permission {
  verb: string;
  /** Plural resource name, e.g. `statefulsets`. */
  resource: string;
  /** API group, `''` for the core group. */
  group: string;
  namespace?: string;
}

/** `list statefulsets (API group apps) in namespace clients`. */
export function describePermission(p: Permission): string {
  return `${p.verb} ${p.resource} (${p.group ? `API group ${p.group}` : 'core API group'})${p.namespace ? ` in namespace ${p.namespace}` : ''}`;
}

/**
 * Server text as it may go into messages: a legacy `##[` workflow command anywhere in a line would be read by
 * the runner, also inside an `::error::` line, so it is escaped visibly (as the runner module's `inert` does).
 */
export function serverText(text: string): string {
  return text.replace(/##\[/g, '#%23[');
}

/**
 * Turns a client-node failure into an ActionError saying what was attempted on which object, the
 * server's own `Status.message`, and what to do. `what` reads like `read ConfigMap clients/kafka-proxy-config`;
 * with `permission`, a 403 names the RBAC permission the request needed.
 */
export function kubeError(err: unknown, what: string, server?: string, permission?: Permission): ActionError {
  if (err instanceof ActionError) return err;
  const timeout =
    err instanceof KubeTimeoutError
      ? err
      : (err as { cause?: unknown })?.cause instanceof KubeTimeoutError
        ? (err as { cause: KubeTimeoutError }).cause
        : undefined;
  if (timeout) {
    return new ActionError(`could not ${what}: ${timeout.message}`, {
      where: server ? `Kubernetes API ${server}` : undefined,
      fix: 'check that the API server is healthy and reachable from the runner: one that accepts connections and never answers is often a private cluster reached from outside its network, or a proxy in between',
      cause: err,
    });
  }
  const code = errorStatus(err);
  if (code === undefined) {
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    const netCode = (err as { code?: string })?.code ?? cause?.code;
    const detail = netCode === 'ECONNREFUSED' ? 'connection refused' : serverText(cause?.message ?? (err as Error)?.message ?? String(err));
    return new ActionError(`could not ${what}: ${detail}`, {
      where: server ? `Kubernetes API ${server}` : undefined,
      fix: 'check the cluster is reachable from the runner (for a private AKS cluster, run on a runner inside its network) and that the kubeconfig points at it',
      cause: err,
    });
  }
  const status = parseStatus(err);
  const causes = (status?.details?.causes ?? [])
    .map((c) => c.message)
    .filter((c): c is string => Boolean(c))
    .map(serverText);
  const reason = status?.reason ? ` ${serverText(status.reason)}` : '';
  // client-node gives some answers (a 401) no body: then the status line is all there is to say.
  const message = status?.message ? serverText(status.message) : undefined;
  const text = message
    ? `could not ${what}: ${message}${causes.length && !message.includes(causes[0]) ? ` (${causes.join('; ')})` : ''} (HTTP ${code}${reason})`
    : `could not ${what}: HTTP ${code}${STATUS_CODES[code] ? ` ${STATUS_CODES[code]}` : ''}`;
  return new ActionError(text, { where: server ? `Kubernetes API ${server}` : undefined, fix: fixFor(code, permission), cause: err });
}

function fixFor(code: number, permission?: Permission): string | undefined {
  switch (code) {
    case 401:
      return 'the credentials in the kubeconfig were refused: they may have expired; re-run the aks-context step to get fresh ones';
    case 403:
      if (permission) {
        return `the identity in the kubeconfig lacks the RBAC permission to ${describePermission(permission)}: grant it a Role (or ClusterRole) with apiGroups ["${permission.group}"], resources ["${permission.resource}"] and verbs ["${permission.verb}"]${permission.namespace ? ` in namespace ${permission.namespace}` : ''}`;
      }
      return 'the identity in the kubeconfig lacks the RBAC permission for this: grant it a Role (or ClusterRole) allowing this verb on this resource in this namespace';
    case 404:
      return 'check the name and the namespace';
    case 409:
      return 'someone else changed the object at the same time; re-run the step';
    case 422:
      return 'the server refused the object as invalid; fix the manifest';
    default:
      return code >= 500 ? 'the Kubernetes API server failed; re-run the step, and check the cluster health if it persists' : undefined;
  }
}
