import { Agent, request, type Dispatcher } from 'undici';
import { ActionError } from './errors.js';
import { JsonListElements } from './json-elements.js';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter, type RetryPolicy } from './retry.js';
import { formatDuration, systemClock, type Clock } from './time.js';
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
  /**
   * Absolute time (on `clock`) by which every request must be done, retries included: each attempt's timeout
   * and each retry's sleep are capped by what is left, no attempt starts after it, and a `Retry-After` longer
   * than what is left ends the request at once, with an error saying so.
   */
  deadline?: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses returned to the caller instead of thrown (e.g. 404 to list what exists). */
  accept?: number[];
  /** This request's deadline, instead of the client's (e.g. a last read-back allowed a little past it). */
  deadline?: number;
  /** Send it once, without the client's retries (a probe: whether the server answers now is the question). */
  once?: boolean;
  /** Abandons the request (an answer no longer needed); it then fails as a network error. */
  signal?: AbortSignal;
  /**
   * For a large list envelope (`{"data":[…]}`): each object of `data` is decoded by this function as it arrives,
   * and `json.data` holds what it returned; the body's text is not kept (`text` is ''). Error answers and
   * non-JSON bodies are read whole, as without it.
   */
  decodeElement?: (raw: Record<string, unknown>) => unknown;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed body when it was JSON, else undefined. */
  json: T | undefined;
}

/**
 * A request that failed for good: network error after retries, or a non-accepted status. `attempts` is 0 when
 * nothing was sent (the deadline had passed); `deadline` says how the deadline ended it, when it did.
 */
export class HttpError extends ActionError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly detail: string,
    readonly errorCode: number | undefined,
    where: string | undefined,
    readonly attempts: number,
    readonly deadline?: string,
  ) {
    const statusText = status === undefined ? 'no response' : `HTTP ${status}${errorCode !== undefined ? ` (error_code ${errorCode})` : ''}`;
    super(`${method} ${url} failed: ${statusText}: ${detail}${attempts > 1 ? ` after ${attempts} attempts` : ''}${deadline ? `; ${deadline}` : ''}`, {
      where,
    });
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
 * `Retry-After`, all within an optional deadline. Non-JSON error bodies (Confluent's 429 is an HTML
 * page) still give a readable error.
 */
export class HttpClient {
  /** Requests sent, retries included: for tests and benchmarks. */
  requestCount = 0;
  /** Time slept before retries (backoff and Retry-After), measured on the clock. */
  sleptMs = 0;
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
    const maxAttempts = req.once ? 1 : this.policy.retries + 1;
    const deadline = req.deadline ?? this.options.deadline;
    const left = () => (deadline === undefined ? Infinity : deadline - this.clock.now());
    const fail = (attempt: number, res: HttpResponse | undefined, networkError: Error | undefined, late?: string) =>
      networkError || !res
        ? new HttpError(req.method, display, undefined, networkError ? networkMessage(networkError) : 'not sent', undefined, this.options.target, attempt, late)
        : new HttpError(req.method, display, res.status, errorDetail(res), errorCode(res), this.options.target, attempt, late);
    if (left() <= 0) throw fail(0, undefined, undefined, 'the deadline had passed before it could be sent');
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse<T> | undefined;
      let networkError: Error | undefined;
      const timeoutMs = Math.max(1, Math.min(this.timeoutMs, left()));
      try {
        res = await this.once<T>(url, req, timeoutMs, timeoutMs < this.timeoutMs);
      } catch (err) {
        networkError = err as Error;
        if (!isRetryableNetworkError(networkError)) throw fail(attempt, undefined, networkError);
      }
      const ok = res !== undefined && ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status));
      if (ok) return res!;
      const retryable = networkError !== undefined || res!.status === 429 || res!.status >= 500;
      if (!retryable || attempt >= maxAttempts) throw fail(attempt, res, networkError);
      const retryAfter = res ? parseRetryAfter(res.headers['retry-after'], this.clock) : undefined;
      const delay = backoffDelay(this.policy, attempt, this.random, retryAfter);
      const remaining = left();
      if (delay >= remaining) {
        // Sleeping past the deadline would only end in the same error, later: say now why it stops.
        const late =
          retryAfter !== undefined
            ? `the server asked to retry after ${formatDuration(retryAfter)} (Retry-After), more than the ${formatDuration(Math.max(0, remaining))} left before the deadline`
            : remaining <= 0
              ? 'the deadline was reached'
              : `only ${formatDuration(remaining)} left before the deadline, too little for another attempt`;
        throw fail(attempt, res, networkError, late);
      }
      const why = networkError ? networkMessage(networkError) : `HTTP ${res!.status}`;
      this.logger.info(
        `${req.method} ${display}: ${why}; attempt ${attempt} of ${maxAttempts}, retrying in ${delay}ms${retryAfter !== undefined ? ' (Retry-After)' : ''}`,
      );
      const before = this.clock.now();
      await this.clock.sleep(delay);
      this.sleptMs += this.clock.now() - before;
    }
  }

  private url(req: HttpRequest): string {
    const url = new URL(this.options.baseUrl + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** One attempt, aborted after `timeoutMs` (`capped`: the deadline, not the per-attempt timeout, set it). */
  private async once<T>(url: string, req: HttpRequest, timeoutMs: number, capped: boolean): Promise<HttpResponse<T>> {
    this.requestCount++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutErrorLike(timeoutMs, capped)), timeoutMs);
    const abandon = () => controller.abort(req.signal!.reason);
    if (req.signal?.aborted) abandon();
    req.signal?.addEventListener('abort', abandon, { once: true });
    try {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'application/json', ...this.options.headers, ...req.headers };
      let body: string | undefined;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      const res = await request(url, { method: req.method, headers, body, signal: controller.signal, dispatcher: this.options.dispatcher ?? agent() });
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
      if (req.decodeElement && res.statusCode < 300 && (flat['content-type'] ?? 'json').includes('json')) {
        const list = new JsonListElements(req.decodeElement);
        for await (const chunk of res.body) list.push(chunk as Buffer);
        return { status: res.statusCode, headers: flat, text: '', json: list.end() as T | undefined };
      }
      const text = await res.body.text();
      return { status: res.statusCode, headers: flat, text, json: parseJson<T>(text, flat['content-type']) };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', abandon);
    }
  }
}

class TimeoutErrorLike extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number, capped: boolean) {
    super(`no answer within ${Math.round(ms)}ms${capped ? ', all that was left before the deadline' : ''}`);
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
