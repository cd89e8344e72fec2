export const id = 288;
export const ids = [288];
export const modules = {

/***/ 8288:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  HttpClient: () => (/* binding */ HttpClient),
  HttpError: () => (/* binding */ HttpError)
});

// UNUSED EXPORTS: errorDetail

// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(4371);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
;// CONCATENATED MODULE: ./src/core/retry.ts
const defaultRetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 15_000, maxRetryAfterMs: 60_000 };
/**
 * The wait before retry number `attempt` (1-based): `Retry-After` when the server sent one,
 * otherwise a random time in [0, min(max, base * 2^(attempt-1))] ("full jitter").
 */
function backoffDelay(policy, attempt, random, retryAfterMs) {
    if (retryAfterMs !== undefined)
        return Math.min(retryAfterMs, policy.maxRetryAfterMs);
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * random());
}
/** Parses `Retry-After`: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
function parseRetryAfter(value, clock) {
    if (!value)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed))
        return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - clock.now());
}

// EXTERNAL MODULE: ./src/core/time.ts
var time = __webpack_require__(2334);
// EXTERNAL MODULE: ./src/core/log.ts
var log = __webpack_require__(4325);
// EXTERNAL MODULE: ./src/core/version.ts
var version = __webpack_require__(3323);
;// CONCATENATED MODULE: ./src/core/http.ts






/** A request that failed for good: network error after retries, or a non-accepted status. */
class HttpError extends errors/* ActionError */.lZ {
    method;
    url;
    status;
    detail;
    errorCode;
    attempts;
    constructor(method, url, status, detail, errorCode, where, attempts) {
        const statusText = status === undefined ? 'no response' : `HTTP ${status}${errorCode !== undefined ? ` (error_code ${errorCode})` : ''}`;
        super(`${method} ${url} failed: ${statusText}: ${detail}${attempts > 1 ? ` after ${attempts} attempts` : ''}`, { where });
        this.method = method;
        this.url = url;
        this.status = status;
        this.detail = detail;
        this.errorCode = errorCode;
        this.attempts = attempts;
        this.name = 'HttpError';
    }
}
const RETRYABLE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_ABORTED', 'TimeoutError', 'AbortError']);
let sharedAgent;
function agent() {
    sharedAgent ??= new undici.Agent({ keepAliveTimeout: 10_000, connections: 16 });
    return sharedAgent;
}
/**
 * The suite's one HTTP client (undici): base URL, versioned user agent, per-attempt timeout,
 * bounded retries with jittered exponential backoff on network errors, 429 and 5xx, honouring
 * `Retry-After`. Non-JSON error bodies (Confluent's 429 is an HTML page) still give a readable error.
 */
class HttpClient {
    options;
    /** Requests sent, retries included: for tests and benchmarks. */
    requestCount = 0;
    policy;
    clock;
    random;
    logger;
    timeoutMs;
    constructor(options) {
        this.options = options;
        this.policy = { ...defaultRetryPolicy, ...options.retry };
        this.clock = options.clock ?? time/* systemClock */.ml;
        this.random = options.random ?? Math.random;
        this.logger = options.logger ?? log/* silentLogger */.q;
        this.timeoutMs = options.timeoutMs ?? 30_000;
    }
    async request(req) {
        const url = this.url(req);
        const display = `${this.options.baseUrl}${req.path}`;
        const maxAttempts = this.policy.retries + 1;
        for (let attempt = 1;; attempt++) {
            let res;
            let networkError;
            try {
                res = await this.once(url, req);
            }
            catch (err) {
                networkError = err;
                if (!isRetryableNetworkError(networkError))
                    throw new HttpError(req.method, display, undefined, networkMessage(networkError), undefined, this.options.target, attempt);
            }
            const ok = res !== undefined && ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status));
            if (ok)
                return res;
            const retryable = networkError !== undefined || res.status === 429 || res.status >= 500;
            if (!retryable || attempt >= maxAttempts) {
                if (networkError)
                    throw new HttpError(req.method, display, undefined, networkMessage(networkError), undefined, this.options.target, attempt);
                throw new HttpError(req.method, display, res.status, errorDetail(res), errorCode(res), this.options.target, attempt);
            }
            const retryAfter = res ? parseRetryAfter(res.headers['retry-after'], this.clock) : undefined;
            const delay = backoffDelay(this.policy, attempt, this.random, retryAfter);
            const why = networkError ? networkMessage(networkError) : `HTTP ${res.status}`;
            this.logger.info(`${req.method} ${display}: ${why}; attempt ${attempt} of ${maxAttempts}, retrying in ${delay}ms${retryAfter !== undefined ? ' (Retry-After)' : ''}`);
            await this.clock.sleep(delay);
        }
    }
    url(req) {
        const url = new URL(this.options.baseUrl + req.path);
        for (const [key, value] of Object.entries(req.query ?? {})) {
            if (value !== undefined)
                url.searchParams.set(key, String(value));
        }
        return url.toString();
    }
    async once(url, req) {
        this.requestCount++;
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(new TimeoutErrorLike(this.timeoutMs)), this.timeoutMs);
        try {
            const headers = { 'user-agent': version/* USER_AGENT */._, accept: 'application/json', ...this.options.headers, ...req.headers };
            let body;
            if (req.body !== undefined) {
                body = JSON.stringify(req.body);
                headers['content-type'] = 'application/json';
            }
            const res = await (0,undici/* request */.Em)(url, { method: req.method, headers, body, signal: controller.signal, dispatcher: this.options.dispatcher ?? agent() });
            const text = await res.body.text();
            const flat = {};
            for (const [k, v] of Object.entries(res.headers))
                if (v !== undefined)
                    flat[k] = Array.isArray(v) ? v.join(', ') : v;
            return { status: res.statusCode, headers: flat, text, json: parseJson(text, flat['content-type']) };
        }
        finally {
            clearTimeout(timer);
        }
    }
}
class TimeoutErrorLike extends Error {
    code = 'ETIMEDOUT';
    constructor(ms) {
        super(`no answer within ${ms}ms`);
        this.name = 'TimeoutError';
    }
}
function parseJson(text, contentType) {
    if (text === '' || (contentType !== undefined && !contentType.includes('json')))
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function isRetryableNetworkError(err) {
    const code = err.code ?? err.cause?.code;
    return RETRYABLE_NETWORK.has(code ?? '') || RETRYABLE_NETWORK.has(err.name);
}
function networkMessage(err) {
    const code = err.code ?? err.cause?.code;
    if (code === 'ECONNREFUSED')
        return 'connection refused (is the endpoint right, and is the service reachable from the runner?)';
    if (err.name === 'TimeoutError' || code === 'ETIMEDOUT')
        return `timed out: ${err.message}`;
    return code ? `${code}: ${err.message}` : err.message;
}
/** A readable detail from any error body: JSON `message`, an HTML page's title, or the first text. */
function errorDetail(res) {
    const body = res.json;
    if (body && typeof body.message === 'string' && body.message)
        return body.message;
    if (body && typeof body.error?.message === 'string')
        return body.error.message;
    const title = /<title>([^<]*)<\/title>/i.exec(res.text)?.[1]?.trim();
    if (title)
        return title;
    const plain = res.text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    if (plain)
        return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
    return `(empty ${res.status} response)`;
}
function errorCode(res) {
    const code = res.json?.error_code;
    return typeof code === 'number' ? code : undefined;
}


/***/ })

};
