import { Agent, request, type Dispatcher } from 'undici';
import { ActionError } from './errors.js';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter, type RetryPolicy } from './retry.js';
import { systemClock, type Clock } from './time.js';
import { silentLogger, type Logger } from './log.js';
import { USER_AGENT } from './version.js';

export interface HttpClientOptions {
  /** e.g. `https://pkc-xxxxx.westeurope.azure.confluent.cloud:443`. */
  baseUrl: string;
  /** Added to every request (e.g. Authorization). Mask secret values before passing them. */
  headers?: Record<string, string>;
  /** Per-attempt timeout, covering connect, headers and body. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  /** What this client talks to, for error messages (e.g. `cluster lkc-123`). */
  target?: string;
  dispatcher?: Dispatcher;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses returned to the caller instead of thrown (e.g. 404 to list what exists). */
  accept?: number[];
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed body when it was JSON, else undefined. */
  json: T | undefined;
}

/** A request that failed for good: network error after retries, or a non-accepted status. */
export class HttpError extends ActionError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly detail: string,
    readonly errorCode: number | undefined,
    where: string | undefined,
    readonly attempts: number,
  ) {
    const statusText = status === undefined ? 'no response' : `HTTP ${status}${errorCode !== undefined ? ` (error_code ${errorCode})` : ''}`;
    super(`${method} ${url} failed: ${statusText}: ${detail}${attempts > 1 ? ` after ${attempts} attempts` : ''}`, { where });
    this.name = 'HttpError';
  }
}

const RETRYABLE_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
  'TimeoutError',
  'AbortError',
]);

let sharedAgent: Agent | undefined;
function agent(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  return sharedAgent;
}

/**
 * The suite's one HTTP client (undici): base URL, versioned user agent, per-attempt timeout,
 * bounded retries with jittered exponential backoff on network errors, 429 and 5xx, honouring
 * `Retry-After`. Non-JSON error bodies (Confluent's 429 is an HTML page) still give a readable error.
 */
export class HttpClient {
  /** Requests sent, retries included: for tests and benchmarks. */
  requestCount = 0;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.url(req);
    const display = `${this.options.baseUrl}${req.path}`;
    const maxAttempts = this.policy.retries + 1;
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse<T> | undefined;
      let networkError: Error | undefined;
      try {
        res = await this.once<T>(url, req);
      } catch (err) {
        networkError = err as Error;
        if (!isRetryableNetworkError(networkError))
          throw new HttpError(req.method, display, undefined, networkMessage(networkError), undefined, this.options.target, attempt);
      }
      const ok = res !== undefined && ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status));
      if (ok) return res!;
      const retryable = networkError !== undefined || res!.status === 429 || res!.status >= 500;
      if (!retryable || attempt >= maxAttempts) {
        if (networkError) throw new HttpError(req.method, display, undefined, networkMessage(networkError), undefined, this.options.target, attempt);
        throw new HttpError(req.method, display, res!.status, errorDetail(res!), errorCode(res!), this.options.target, attempt);
      }
      const retryAfter = res ? parseRetryAfter(res.headers['retry-after'], this.clock) : undefined;
      const delay = backoffDelay(this.policy, attempt, this.random, retryAfter);
      const why = networkError ? networkMessage(networkError) : `HTTP ${res!.status}`;
      this.logger.info(
        `${req.method} ${display}: ${why}; attempt ${attempt} of ${maxAttempts}, retrying in ${delay}ms${retryAfter !== undefined ? ' (Retry-After)' : ''}`,
      );
      await this.clock.sleep(delay);
    }
  }

  private url(req: HttpRequest): string {
    const url = new URL(this.options.baseUrl + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async once<T>(url: string, req: HttpRequest): Promise<HttpResponse<T>> {
    this.requestCount++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutErrorLike(this.timeoutMs)), this.timeoutMs);
    try {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'application/json', ...this.options.headers, ...req.headers };
      let body: string | undefined;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      const res = await request(url, { method: req.method, headers, body, signal: controller.signal, dispatcher: this.options.dispatcher ?? agent() });
      const text = await res.body.text();
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers: flat, text, json: parseJson<T>(text, flat['content-type']) };
    } finally {
      clearTimeout(timer);
    }
  }
}

class TimeoutErrorLike extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`no answer within ${ms}ms`);
    this.name = 'TimeoutError';
  }
}

function parseJson<T>(text: string, contentType: string | undefined): T | undefined {
  if (text === '' || (contentType !== undefined && !contentType.includes('json'))) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function isRetryableNetworkError(err: Error): boolean {
  const code = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
  return RETRYABLE_NETWORK.has(code ?? '') || RETRYABLE_NETWORK.has(err.name);
}

function networkMessage(err: Error): string {
  const code = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is the endpoint right, and is the service reachable from the runner?)';
  if (err.name === 'TimeoutError' || code === 'ETIMEDOUT') return `timed out: ${err.message}`;
  return code ? `${code}: ${err.message}` : err.message;
}

/** A readable detail from any error body: JSON `message`, an HTML page's title, or the first text. */
export function errorDetail(res: HttpResponse): string {
  const body = res.json as { message?: unknown; error?: { message?: unknown } } | undefined;
  if (body && typeof body.message === 'string' && body.message) return body.message;
  if (body && typeof body.error?.message === 'string') return body.error.message;
  const title = /<title>([^<]*)<\/title>/i.exec(res.text)?.[1]?.trim();
  if (title) return title;
  const plain = res.text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain) return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
  return `(empty ${res.status} response)`;
}

function errorCode(res: HttpResponse): number | undefined {
  const code = (res.json as { error_code?: unknown } | undefined)?.error_code;
  return typeof code === 'number' ? code : undefined;
}
