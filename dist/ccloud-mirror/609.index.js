export const id = 609;
export const ids = [609];
export const modules = {

/***/ 2609:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ConfluentClient: () => (/* binding */ ConfluentClient)
});

// UNUSED EXPORTS: ConfluentApiError

// EXTERNAL MODULE: ./src/core/runner.ts + 2 modules
var runner = __webpack_require__(8127);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
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
;// CONCATENATED MODULE: ./src/core/version.ts
/** Sent as the user agent on every request, so service logs show which release called. */
const VERSION = '0.1.0';
const USER_AGENT = `ccloud-dr-actions/${VERSION} (+https://github.com/ccloud-dr-actions)`;

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
    sharedAgent ??= new undici/* Agent */.g6({ keepAliveTimeout: 10_000, connections: 16 });
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
            const headers = { 'user-agent': USER_AGENT, accept: 'application/json', ...this.options.headers, ...req.headers };
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

;// CONCATENATED MODULE: ./src/core/confluent/acls.ts
/**
 * The ACLs a mirror operation needs, for 401/403 messages. The alter verbs use the set the DR
 * runbook (seed 001) gives for a failing `reverse-and-start-mirror`: CLUSTER ALTER and DESCRIBE
 * plus TOPIC READ and DESCRIBE_CONFIGS; the verbs that act on both sides need them on both clusters.
 */
const READ_ONLY = [
    { resource: 'CLUSTER', operations: ['DESCRIBE'] },
    { resource: 'TOPIC', operations: ['DESCRIBE'] },
];
const ALTER = [
    { resource: 'CLUSTER', operations: ['ALTER', 'DESCRIBE'] },
    { resource: 'TOPIC', operations: ['READ', 'DESCRIBE_CONFIGS'] },
];
const CREATE = [
    { resource: 'CLUSTER', operations: ['ALTER', 'DESCRIBE'] },
    { resource: 'TOPIC', operations: ['CREATE', 'READ', 'DESCRIBE_CONFIGS'] },
];
/** The ACLs an operation (`status`, `create` or an alter verb) needs. */
function aclsFor(operation) {
    if (operation === 'status')
        return { needs: READ_ONLY, bothClusters: false };
    if (operation === 'create')
        return { needs: CREATE, bothClusters: false };
    const both = operation.startsWith('reverse-') || operation === 'truncate-and-restore';
    return { needs: ALTER, bothClusters: both };
}
/** One sentence listing the ACLs, for error messages. */
function describeAcls(operation, clusterId) {
    const advice = aclsFor(operation);
    const list = advice.needs.map((n) => `${n.resource} ${n.operations.join(' and ')}`).join(', ');
    const where = advice.bothClusters ? `on both clusters (this one, ${clusterId}, and the link's remote cluster)` : `on cluster ${clusterId}`;
    const topicOps = advice.needs.find((n) => n.resource === 'TOPIC')?.operations.map((o) => o.toLowerCase().replace(/_/g, '-')).join(',') ?? 'describe';
    const clusterOps = advice.needs.find((n) => n.resource === 'CLUSTER')?.operations.map((o) => o.toLowerCase()).join(',') ?? 'describe';
    return (`'${operation}' needs these ACLs for the key's service account ${where}: ${list}; e.g. ` +
        `\`confluent kafka acl create --allow --service-account <sa-id> --operations ${clusterOps} --cluster-scope --cluster ${clusterId}\` and ` +
        `\`confluent kafka acl create --allow --service-account <sa-id> --operations ${topicOps} --topic <topic> --cluster ${clusterId}\``);
}

// EXTERNAL MODULE: ./src/core/confluent/types.ts
var types = __webpack_require__(5663);
;// CONCATENATED MODULE: ./src/core/confluent/client.ts





/** A failed Confluent REST call, with the cluster, the key id and a fix; never the secret. */
class ConfluentApiError extends errors/* ActionError */.lZ {
    kind;
    status;
    errorCode;
    detail;
    constructor(message, kind, status, errorCode, detail, options) {
        super(message, options);
        this.kind = kind;
        this.status = status;
        this.errorCode = errorCode;
        this.detail = detail;
        this.name = 'ConfluentApiError';
    }
}
/**
 * A typed client for the cluster-link and mirror-topic endpoints of one cluster. One HttpClient per
 * cluster (retries, backoff and Retry-After are its job); the Basic header is masked as it is built.
 */
class ConfluentClient {
    clusterId;
    restEndpoint;
    apiKey;
    http;
    operation;
    constructor(options) {
        const mask = options.mask ?? ((value) => runner/* setSecret */.Pq(value));
        const token = Buffer.from(`${options.apiKey}:${options.apiSecret}`, 'utf8').toString('base64');
        // The base64 form reveals the secret to anyone who decodes it, so it is masked like the secret.
        mask(token);
        mask(`Basic ${token}`);
        this.clusterId = options.clusterId;
        this.restEndpoint = options.restEndpoint.replace(/\/+$/, '');
        this.apiKey = options.apiKey;
        this.operation = options.operation ?? 'status';
        this.http = new HttpClient({ ...options.http, baseUrl: this.restEndpoint, headers: { authorization: `Basic ${token}` }, target: `cluster ${options.clusterId}` });
    }
    /** Requests sent so far, retries included. */
    get requestCount() {
        return this.http.requestCount;
    }
    /** `GET /links`. */
    async listLinks() {
        const res = await this.call({ method: 'GET', path: '/links' }, 'list the cluster links');
        return this.list(res.json, 'GET /links').map(types/* decodeLink */.V3);
    }
    /** `GET /links/{link}` (with tasks when asked); undefined when the link does not exist. */
    async getLink(link, options = {}) {
        const res = await this.call({ method: 'GET', path: `/links/${enc(link)}`, query: { include_tasks: options.includeTasks || undefined }, accept: [404] }, `read link '${link}'`, link);
        if (res.status === 404)
            return undefined;
        return (0,types/* decodeLink */.V3)(res.json);
    }
    /** `GET /links/{link}/configs`, names and values only. */
    async linkConfigs(link) {
        const res = await this.call({ method: 'GET', path: `/links/${enc(link)}/configs` }, `read the configs of link '${link}'`, link);
        return this.list(res.json, 'GET /links/{link}/configs', link).map(types/* decodeLinkConfig */.nb);
    }
    /** `GET /links/{link}/mirrors`: every mirror topic of the link in one call (the poll of `wait`). */
    async listMirrors(link, options = {}) {
        const res = await this.call({ method: 'GET', path: `/links/${enc(link)}/mirrors`, query: { mirror_status: options.status } }, `list the mirror topics of link '${link}'`, link);
        return this.list(res.json, 'GET /links/{link}/mirrors', link).map(types/* decodeMirror */.WM);
    }
    /** `GET /links/{link}/mirrors/{topic}`; undefined when there is no such mirror. */
    async getMirror(link, topic, options = {}) {
        const res = await this.call({ method: 'GET', path: `/links/${enc(link)}/mirrors/${enc(topic)}`, query: { include_state_transition_errors: options.includeStateTransitionErrors || undefined }, accept: [404] }, `read mirror topic '${topic}'`, link);
        if (res.status === 404)
            return undefined;
        return (0,types/* decodeMirror */.WM)(res.json);
    }
    /** `POST /links/{link}/mirrors`: creates one mirror topic (asynchronous: poll for ACTIVE). */
    async createMirror(link, sourceTopicName, mirrorTopicName) {
        await this.call({ method: 'POST', path: `/links/${enc(link)}/mirrors`, body: { source_topic_name: sourceTopicName, mirror_topic_name: mirrorTopicName } }, `create mirror topic '${mirrorTopicName ?? sourceTopicName}'`, link);
    }
    /**
     * `POST /links/{link}/mirrors:{verb}` for the named topics, or for a `{ pattern }` the server
     * matches (`mirror_topic_name_pattern`). HTTP 200 carries one result per topic, each possibly
     * failed (see `alterFailed`); a 200 without error means accepted, not done.
     */
    async alterMirrors(link, verb, topics, options = {}) {
        const byPattern = !Array.isArray(topics);
        const res = await this.call({
            method: 'POST',
            path: `/links/${enc(link)}/mirrors:${verb}`,
            query: { validate_only: options.validateOnly || undefined, include_partition_level_truncation_data: options.includePartitionLevelTruncationData || undefined },
            body: byPattern ? { mirror_topic_name_pattern: topics.pattern } : { mirror_topic_names: topics },
        }, byPattern ? `${verb} the mirror topics matching '${topics.pattern}'` : `${verb} ${topics.length} mirror topic(s)`, link);
        return this.list(res.json, `POST /links/{link}/mirrors:${verb}`, link).map(types/* decodeAlterResult */.OE);
    }
    /** A list envelope's `data`, or an error saying the answer was not one (a proxy's page, say). */
    list(body, what, link) {
        try {
            return (0,types/* listData */.bB)(body, what);
        }
        catch (err) {
            throw new ConfluentApiError(err.message, 'unexpected', 200, undefined, '', { where: `cluster ${this.clusterId}${link ? `, link ${link}` : ''}`, fix: `Check that 'rest-endpoint' is the cluster's Kafka REST endpoint (https://pkc-….confluent.cloud:443), not a proxy or the Cloud API` });
        }
    }
    async call(req, what, link) {
        try {
            return await this.http.request({ ...req, path: `/kafka/v3/clusters/${enc(this.clusterId)}${req.path}` });
        }
        catch (err) {
            if (err instanceof HttpError)
                throw this.explain(err, what, link);
            throw err;
        }
    }
    explain(err, what, link) {
        const where = `cluster ${this.clusterId}${link ? `, link ${link}` : ''}`;
        const status = err.status;
        const code = err.errorCode !== undefined ? `, error_code ${err.errorCode}` : '';
        const tries = err.attempts > 1 ? ` after ${err.attempts} attempts` : '';
        const make = (kind, message, fix) => new ConfluentApiError(message, kind, status, err.errorCode, err.detail, { where, fix, cause: err });
        const acls = describeAcls(this.operation, this.clusterId);
        if (status === undefined) {
            return make('unreachable', `could not ${what}: ${this.restEndpoint} did not answer (${err.detail})${tries}`, `Check input 'rest-endpoint' and that this runner can reach the cluster (a private cluster needs a self-hosted runner in its network); once it answers, re-run: the operation is idempotent`);
        }
        if (status === 401) {
            return make('unauthenticated', `could not ${what}: API key ${this.apiKey} was rejected by cluster ${this.clusterId} (HTTP 401${code}: ${err.detail})`, `Use an API key scoped to cluster ${this.clusterId} (a Cloud API key or another cluster's key does not work on this REST endpoint) and check that 'api-secret' belongs to key ${this.apiKey}. ${acls}`);
        }
        if (status === 403) {
            return make('forbidden', `API key ${this.apiKey} is not allowed to ${what} on cluster ${this.clusterId} (HTTP 403${code}: ${err.detail})`, acls.charAt(0).toUpperCase() + acls.slice(1));
        }
        if (status === 404)
            return make('not-found', `could not ${what}: not found (HTTP 404${code}: ${err.detail})`);
        if (status === 429) {
            return make('rate-limited', `could not ${what}: Confluent rate-limited the requests (HTTP 429: ${err.detail})${tries}`, 'Wait a minute and re-run (the operation is idempotent); avoid running several DR jobs against the same cluster at once');
        }
        if (status >= 500) {
            return make('server-error', `could not ${what}: the cluster answered HTTP ${status}${code}: ${err.detail}${tries}`, 'This is usually temporary on the Confluent side: re-run the step (the operation is idempotent)');
        }
        return make('rejected', `could not ${what}: HTTP ${status}${code}: ${err.detail}`);
    }
}
function enc(segment) {
    return encodeURIComponent(segment);
}


/***/ }),

/***/ 5663:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IG: () => (/* binding */ linkMode),
/* harmony export */   KT: () => (/* binding */ alterFailed),
/* harmony export */   OE: () => (/* binding */ decodeAlterResult),
/* harmony export */   V3: () => (/* binding */ decodeLink),
/* harmony export */   WM: () => (/* binding */ decodeMirror),
/* harmony export */   bB: () => (/* binding */ listData),
/* harmony export */   nb: () => (/* binding */ decodeLinkConfig)
/* harmony export */ });
/* unused harmony export decodeLags */
/**
 * Types for the cluster-link and mirror-topic part of Confluent's Kafka REST v3, and decoders that
 * turn raw bodies into them. Real responses carry explicit nulls and the status enums keep growing,
 * so every decoder accepts null or missing optional fields and keeps unknown statuses as strings.
 */
/**
 * Whether one per-topic alter result is a failure, by the robust rule: a non-null non-zero
 * `error_code`, or a non-empty `error_message` (the CLI and kcp each check only one of them).
 */
function alterFailed(result) {
    return (result.errorCode !== null && result.errorCode !== 0) || (result.errorMessage !== null && result.errorMessage !== '');
}
/** DESTINATION, SOURCE or BIDIRECTIONAL, from which cluster id the link carries (as the CLI does). */
function linkMode(link) {
    if (link.remoteClusterId)
        return 'BIDIRECTIONAL';
    if (link.sourceClusterId)
        return 'DESTINATION';
    if (link.destinationClusterId)
        return 'SOURCE';
    return 'UNKNOWN';
}
function str(value) {
    return typeof value === 'string' ? value : undefined;
}
function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
function arr(value) {
    return Array.isArray(value) ? value.filter((v) => v !== null && typeof v === 'object') : [];
}
/** Reads a list envelope's `data`; throws when the body is not one (a proxy page, say). */
function listData(body, what) {
    if (body === null || typeof body !== 'object' || !Array.isArray(body.data)) {
        throw new Error(`the answer to ${what} is not a list (no 'data' array)`);
    }
    return arr(body.data);
}
/** `mirror_lags`: one entry per partition. */
function decodeLags(value) {
    return arr(value).map((l) => ({ partition: num(l.partition) ?? 0, lag: num(l.lag) ?? 0, lastSourceFetchOffset: num(l.last_source_fetch_offset) ?? -1 }));
}
const NO_TOPIC_ERROR = new Set(['', 'NO_ERROR', 'NOT_SET']);
/** `ListMirrorTopicsResponseData`; NO_ERROR and NOT_SET topic errors become undefined. */
function decodeMirror(raw) {
    const topicError = str(raw.mirror_topic_error);
    return {
        linkName: str(raw.link_name) ?? '',
        mirrorTopicName: str(raw.mirror_topic_name) ?? '',
        sourceTopicName: str(raw.source_topic_name) ?? '',
        numPartitions: num(raw.num_partitions) ?? 0,
        mirrorLags: decodeLags(raw.mirror_lags),
        mirrorStatus: str(raw.mirror_status) ?? 'UNKNOWN',
        stateTimeMs: num(raw.state_time_ms) ?? 0,
        mirrorTopicError: topicError === undefined || NO_TOPIC_ERROR.has(topicError) ? undefined : topicError,
        stateTransitionErrors: arr(raw.mirror_state_transition_errors).map((e) => ({ errorCode: String(e.error_code ?? ''), errorMessage: str(e.error_message) ?? '' })),
    };
}
/** `AlterMirrorStatusResponseData`, nulls kept (they carry meaning: null error = accepted). */
function decodeAlterResult(raw) {
    const code = num(raw.error_code);
    return {
        mirrorTopicName: str(raw.mirror_topic_name) ?? '',
        errorCode: code ?? null,
        errorMessage: str(raw.error_message) ?? null,
        mirrorLags: decodeLags(raw.mirror_lags),
        messagesTruncated: num(raw.messages_truncated) ?? null,
        partitionLevelTruncationData: arr(raw.partition_level_truncation_data).map((p) => ({
            partitionId: num(p.partition_id) ?? 0,
            offsetTruncatedTo: num(p.offset_truncated_to) ?? 0,
            messagesTruncated: num(p.messages_truncated) ?? 0,
        })),
    };
}
/** `ListLinksResponseData`; accepts the deprecated `link_id` when `cluster_link_id` is missing. */
function decodeLink(raw) {
    const nullable = (v) => str(v) ?? null;
    return {
        linkName: str(raw.link_name) ?? '',
        clusterLinkId: str(raw.cluster_link_id) ?? str(raw.link_id) ?? '',
        sourceClusterId: nullable(raw.source_cluster_id),
        destinationClusterId: nullable(raw.destination_cluster_id),
        remoteClusterId: nullable(raw.remote_cluster_id),
        topicNames: Array.isArray(raw.topic_names) ? raw.topic_names.filter((t) => typeof t === 'string') : [],
        linkState: str(raw.link_state),
        linkError: str(raw.link_error),
        linkErrorMessage: str(raw.link_error_message),
        tasks: arr(raw.tasks).map((t) => ({
            taskName: str(t.task_name) ?? '',
            state: str(t.state) ?? 'UNKNOWN',
            errors: arr(t.errors).map((e) => ({ errorCode: String(e.error_code ?? ''), errorMessage: str(e.error_message) ?? '' })),
        })),
    };
}
/** One `ListLinkConfigsResponseData` entry. */
function decodeLinkConfig(raw) {
    return { name: str(raw.name) ?? '', value: str(raw.value) ?? null };
}


/***/ })

};
