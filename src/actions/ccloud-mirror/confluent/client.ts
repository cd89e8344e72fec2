import * as core from '../../../core/runner.js';
import { describeError } from '../../../core/errors.js';
import { HttpClient, HttpError, type HttpClientOptions, type HttpRequest } from '../../../core/http.js';
import { describeAcls } from './acls.js';
import { ConfluentApiError, type ConfluentFailure } from './errors.js';
import {
  decodeAlterResult,
  decodeLink,
  decodeLinkConfig,
  decodeMirror,
  isTopicName,
  listData,
  quoteServerText,
  serverText,
  type AlterMirrorResult,
  type AlterVerb,
  type ClusterLink,
  type LinkConfig,
  type MirrorTopic,
} from './types.js';

/** How to reach one cluster's Kafka REST v3 endpoint. */
export interface ConfluentClusterConfig {
  /** e.g. `https://pkc-xxxxx.westeurope.azure.confluent.cloud:443` (no path). */
  restEndpoint: string;
  /** `lkc-…`. */
  clusterId: string;
  /** The cluster-scoped API key id: not secret, named in auth errors. */
  apiKey: string;
  apiSecret: string;
}

export interface ConfluentClientOptions extends ConfluentClusterConfig {
  /** What the caller is doing (`failover`, `status`...), so 401/403 errors list the ACLs it needs. */
  operation?: string;
  /** Masks the derived credentials (the Basic token and header); defaults to core.maskSecret. */
  mask?: core.Masker;
  /** Passed to the HttpClient: clock, retry, timeout, logger, dispatcher, and the run's deadline. */
  http?: Omit<HttpClientOptions, 'baseUrl' | 'headers' | 'target'>;
}

/** Per call: a deadline of its own instead of the run's (the last read-back after the run's deadline). */
export interface CallOptions {
  deadline?: number;
}

/**
 * A typed client for the cluster-link and mirror-topic endpoints of one cluster. One HttpClient per
 * cluster (retries, backoff and Retry-After are its job); the Basic header is masked as it is built.
 */
export class ConfluentClient {
  readonly clusterId: string;
  readonly restEndpoint: string;
  readonly apiKey: string;
  private readonly http: HttpClient;
  private readonly operation: string;
  /** One string per distinct topic name, link name and status read from this cluster (see `DecodeOptions.intern`). */
  private readonly texts = new Map<string, string>();
  private readonly intern = (text: string): string => {
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    this.texts.set(text, text);
    return text;
  };

  constructor(options: ConfluentClientOptions) {
    const mask = options.mask ?? core.maskSecret;
    const token = Buffer.from(`${options.apiKey}:${options.apiSecret}`, 'utf8').toString('base64');
    // The base64 form reveals the secret to anyone who decodes it, so it is masked like the secret.
    mask(token);
    mask(`Basic ${token}`);
    this.clusterId = options.clusterId;
    this.restEndpoint = options.restEndpoint.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.operation = options.operation ?? 'status';
    this.http = new HttpClient({
      ...options.http,
      baseUrl: this.restEndpoint,
      headers: { authorization: `Basic ${token}` },
      target: `cluster ${options.clusterId}`,
    });
  }

  /** Requests sent so far, retries included. */
  get requestCount(): number {
    return this.http.requestCount;
  }

  /** Time slept before retries so far (backoff and Retry-After), measured. */
  get sleptMs(): number {
    return this.http.sleptMs;
  }

  /**
   * `GET /clusters/{id}`: whether the cluster answers at all (the probe of the link's other side). One attempt, no
   * retries, bounded by `deadline` when given (the probe's own: one request-timeout), else by the run's.
   */
  async probe(options: CallOptions & { signal?: AbortSignal } = {}): Promise<void> {
    await this.call({ method: 'GET', path: '', deadline: options.deadline, once: true, signal: options.signal }, 'read the cluster');
  }

  /** `GET /consumer-groups`: the ids of the consumer groups on the cluster. */
  async listConsumerGroups(): Promise<string[]> {
    const res = await this.call({ method: 'GET', path: '/consumer-groups' }, 'list the consumer groups');
    return this.list(res.json, 'GET /consumer-groups')
      .map((g) => (typeof g.consumer_group_id === 'string' ? g.consumer_group_id : ''))
      .filter((id) => id !== '');
  }

  /** `GET /consumer-groups/{group}/lags`: the topics the group has committed offsets for. */
  async consumerGroupTopics(group: string): Promise<string[]> {
    const res = await this.call({ method: 'GET', path: `/consumer-groups/${enc(group)}/lags` }, `read the lags of consumer group '${group}'`);
    const topics = this.list(res.json, 'GET /consumer-groups/{group}/lags').map((l) => (typeof l.topic_name === 'string' ? l.topic_name : ''));
    return [...new Set(topics.filter(isTopicName))];
  }

  /** `GET /links`. */
  async listLinks(): Promise<ClusterLink[]> {
    const res = await this.call({ method: 'GET', path: '/links' }, 'list the cluster links');
    return this.list(res.json, 'GET /links').map(decodeLink);
  }

  /** `GET /links/{link}` (with tasks when asked); undefined when the link does not exist. */
  async getLink(link: string, options: { includeTasks?: boolean } = {}): Promise<ClusterLink | undefined> {
    const res = await this.call(
      { method: 'GET', path: `/links/${enc(link)}`, query: { include_tasks: options.includeTasks || undefined }, accept: [404] },
      `read link '${link}'`,
      link,
    );
    if (res.status === 404) return undefined;
    return decodeLink(res.json as Record<string, unknown>);
  }

  /** `GET /links/{link}/configs`, names and values only. */
  async linkConfigs(link: string): Promise<LinkConfig[]> {
    const res = await this.call({ method: 'GET', path: `/links/${enc(link)}/configs` }, `read the configs of link '${link}'`, link);
    return this.list(res.json, 'GET /links/{link}/configs', link).map(decodeLinkConfig);
  }

  /**
   * `GET /links/{link}/mirrors`: every mirror topic of the link in one call (the poll of `wait`). Lags are summed per
   * topic; `partitions: true` keeps each partition's, `lags: false` leaves them out (a poll needs statuses only).
   */
  async listMirrors(link: string, options: { status?: string; lags?: boolean; partitions?: boolean } & CallOptions = {}): Promise<MirrorTopic[]> {
    // Decoded topic by topic as the answer arrives (10,000 topics are about 9 MB of JSON), each into what the run
    // keeps of it: no partition lags unless asked, names and statuses shared with the listings before.
    const res = await this.call(
      {
        method: 'GET',
        path: `/links/${enc(link)}/mirrors`,
        query: { mirror_status: options.status },
        deadline: options.deadline,
        decodeElement: (raw) => decodeMirror(raw, { lags: options.lags, partitions: options.partitions, intern: this.intern }),
      },
      `list the mirror topics of link '${link}'`,
      link,
    );
    const mirrors = this.list<MirrorTopic>(res.json, 'GET /links/{link}/mirrors', link);
    for (const m of mirrors) this.checkNames(m, 'GET /links/{link}/mirrors', link);
    return mirrors;
  }

  /** `GET /links/{link}/mirrors/{topic}`; undefined when there is no such mirror. */
  async getMirror(link: string, topic: string, options: { includeStateTransitionErrors?: boolean } & CallOptions = {}): Promise<MirrorTopic | undefined> {
    const res = await this.call(
      {
        method: 'GET',
        path: `/links/${enc(link)}/mirrors/${enc(topic)}`,
        query: { include_state_transition_errors: options.includeStateTransitionErrors || undefined },
        accept: [404],
        deadline: options.deadline,
      },
      `read mirror topic '${topic}'`,
      link,
    );
    if (res.status === 404) return undefined;
    const mirror = decodeMirror(res.json as Record<string, unknown>);
    this.checkNames(mirror, 'GET /links/{link}/mirrors/{topic}', link);
    return mirror;
  }

  /** `POST /links/{link}/mirrors`: creates one mirror topic (asynchronous: poll for ACTIVE). */
  async createMirror(link: string, sourceTopicName: string, mirrorTopicName?: string): Promise<void> {
    await this.call(
      { method: 'POST', path: `/links/${enc(link)}/mirrors`, body: { source_topic_name: sourceTopicName, mirror_topic_name: mirrorTopicName } },
      `create mirror topic '${mirrorTopicName ?? sourceTopicName}'`,
      link,
    );
  }

  /**
   * `POST /links/{link}/mirrors:{verb}` for the named topics, or for a `{ pattern }` the server
   * matches (`mirror_topic_name_pattern`). HTTP 200 carries one result per topic, each possibly
   * failed (see `alterFailed`); a 200 without error means accepted, not done.
   */
  async alterMirrors(
    link: string,
    verb: AlterVerb,
    topics: string[] | { pattern: string },
    options: { validateOnly?: boolean; includePartitionLevelTruncationData?: boolean; partitions?: boolean } = {},
  ): Promise<AlterMirrorResult[]> {
    const byPattern = !Array.isArray(topics);
    const res = await this.call(
      {
        method: 'POST',
        path: `/links/${enc(link)}/mirrors:${verb}`,
        query: {
          validate_only: options.validateOnly || undefined,
          include_partition_level_truncation_data: options.includePartitionLevelTruncationData || undefined,
        },
        body: byPattern ? { mirror_topic_name_pattern: topics.pattern } : { mirror_topic_names: topics },
      },
      byPattern ? `${verb} the mirror topics matching '${topics.pattern}'` : `${verb} ${topics.length} mirror topic(s)`,
      link,
    );
    const results = this.list(res.json, `POST /links/{link}/mirrors:${verb}`, link).map((raw) =>
      decodeAlterResult(raw, { partitions: options.partitions, intern: this.intern }),
    );
    for (const r of results) this.checkNames({ mirrorTopicName: r.mirrorTopicName }, `POST /links/{link}/mirrors:${verb}`, link);
    return results;
  }

  /**
   * Topic names from the server end up in outputs, logs and the summary: one that breaks Kafka's rule (letters,
   * digits, `.`, `_`, `-`; 1 to 249 characters) is refused as a server error, naming it escaped, never passed on.
   */
  private checkNames(topic: { mirrorTopicName: string; sourceTopicName?: string }, what: string, link: string): void {
    const bad = [topic.mirrorTopicName, ...(topic.sourceTopicName ? [topic.sourceTopicName] : [])].find((name) => !isTopicName(name));
    if (bad === undefined) return;
    throw new ConfluentApiError(
      `the answer to ${what} names the topic ${quoteServerText(bad)}, which is not a Kafka topic name (letters, digits, '.', '_', '-'; 1 to 249 characters): the answer was refused`,
      'unexpected',
      200,
      undefined,
      '',
      {
        where: `cluster ${this.clusterId}, link ${link}`,
        fix: `Check that 'rest-endpoint' is the cluster's Kafka REST endpoint (https://pkc-….confluent.cloud:443), not a proxy that rewrites its answers`,
      },
    );
  }

  /** A list envelope's `data`, or an error saying the answer was not one (a proxy's page, say). */
  /** The `data` of a list envelope (`T`: what the request's decodeElement made of each element). */
  private list<T = Record<string, unknown>>(body: unknown, what: string, link?: string): T[] {
    try {
      return listData(body, what) as T[];
    } catch (err) {
      throw new ConfluentApiError(describeError(err), 'unexpected', 200, undefined, '', {
        where: `cluster ${this.clusterId}${link ? `, link ${link}` : ''}`,
        fix: `Check that 'rest-endpoint' is the cluster's Kafka REST endpoint (https://pkc-….confluent.cloud:443), not a proxy or the Cloud API`,
      });
    }
  }

  private async call(req: HttpRequest, what: string, link?: string) {
    try {
      return await this.http.request({ ...req, path: `/kafka/v3/clusters/${enc(this.clusterId)}${req.path}` });
    } catch (err) {
      if (err instanceof HttpError) throw this.explain(err, what, link);
      throw err;
    }
  }

  private explain(err: HttpError, what: string, link?: string): ConfluentApiError {
    const where = `cluster ${this.clusterId}${link ? `, link ${link}` : ''}`;
    const status = err.status;
    // Server text (a JSON message, an HTML page's title) goes into logs, annotations and the summary: made inert here.
    const detail = serverText(err.detail);
    const code = err.errorCode !== undefined ? `, error_code ${err.errorCode}` : '';
    const tries = err.attempts > 1 ? ` after ${err.attempts} attempts` : '';
    const late = err.deadline ? `; ${err.deadline} (input 'timeout')` : '';
    const raise = err.deadline ? ". Or raise input 'timeout', the deadline of the whole run (preflight, changes and the wait)" : '';
    const make = (kind: ConfluentFailure, message: string, fix?: string) =>
      new ConfluentApiError(message + late, kind, status, err.errorCode, detail, { where, fix: fix === undefined ? undefined : fix + raise, cause: err });
    const acls = describeAcls(this.operation, this.clusterId);
    if (err.attempts === 0) {
      return new ConfluentApiError(`could not ${what}: the step's timeout ran out before the request was sent`, 'out-of-time', undefined, undefined, '', {
        where,
        fix: "Raise input 'timeout', the deadline of the whole run (preflight, changes and the wait), and re-run: the operation is idempotent",
        cause: err,
      });
    }
    if (status === undefined) {
      return make(
        'unreachable',
        `could not ${what}: ${this.restEndpoint} did not answer (${detail})${tries}`,
        `Check input 'rest-endpoint' and that this runner can reach the cluster (a private cluster needs a self-hosted runner in its network); once it answers, re-run: the operation is idempotent`,
      );
    }
    if (status === 401) {
      return make(
        'unauthenticated',
        `could not ${what}: API key ${this.apiKey} was rejected by cluster ${this.clusterId} (HTTP 401${code}: ${detail})`,
        `Use an API key scoped to cluster ${this.clusterId} (a Cloud API key or another cluster's key does not work on this REST endpoint) and check that 'api-secret' belongs to key ${this.apiKey}. ${acls}`,
      );
    }
    if (status === 403) {
      return make(
        'forbidden',
        `API key ${this.apiKey} is not allowed to ${what} on cluster ${this.clusterId} (HTTP 403${code}: ${detail})`,
        acls.charAt(0).toUpperCase() + acls.slice(1),
      );
    }
    if (status === 404) return make('not-found', `could not ${what}: not found (HTTP 404${code}: ${detail})`);
    if (status === 429) {
      return make(
        'rate-limited',
        `could not ${what}: Confluent rate-limited the requests (HTTP 429: ${detail})${tries}`,
        'Wait a minute and re-run (the operation is idempotent); avoid running several DR jobs against the same cluster at once',
      );
    }
    if (status >= 500) {
      return make(
        'server-error',
        `could not ${what}: the cluster answered HTTP ${status}${code}: ${detail}${tries}`,
        'This is usually temporary on the Confluent side: re-run the step (the operation is idempotent)',
      );
    }
    return make('rejected', `could not ${what}: HTTP ${status}${code}: ${detail}`);
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
