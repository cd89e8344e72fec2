import { errorStatus, kubeError, type KubeClients } from '../../core/kube/client.js';
import { listKind, listPermission } from '../../core/kube/selection.js';
import { watchStream, WatchTimeoutError } from '../../core/kube/watch-stream.js';
import { backoffDelay } from '../../core/retry.js';
import type { Clock } from '../../core/time.js';
import type { Workload, WorkloadKind } from '../../core/kube/workload.js';
import type { Logger } from '../../core/log.js';

/**
 * One list+watch of one workload collection (a namespace and a kind), kept alive for as long as it
 * is needed: a watch silent for 30 s is ended here (as client-node 2.0.1's Watch does) and the server ends
 * it at `timeoutSeconds`; both resume from the last resourceVersion seen. A 410 Gone (inside the 200
 * stream as an ERROR event, or as the HTTP status) means that version is too old: re-list, then watch
 * from the list's version. Server errors (5xx, 429), network failures and timeouts are retried with backoff
 * for as long as the watch is needed (the verification's deadline ends it); only an answer that waiting cannot
 * change (401, 403, 404, 400) is reported, once. Each connection attempt is bounded by the clients' request
 * limits, so a server that accepts the connection and never answers cannot hold it past the deadline, and
 * `stop()` ends it at once, connected or not (watch-stream.ts).
 */
export interface CollectionWatchOptions {
  namespace: string;
  kind: WorkloadKind;
  /** resourceVersion of the initial list (the watch starts from there, so nothing is missed). */
  resourceVersion: string;
  /** Every object seen: ADDED/MODIFIED from the stream, and each item of a re-list. */
  onObject: (object: Workload, type: 'ADDED' | 'MODIFIED' | 'DELETED') => void;
  /** Called once when the watch cannot be kept alive (an answer retrying cannot change). */
  onFatal: (error: Error) => void;
  clock: Clock;
  logger: Logger;
  /** Server-side watch timeout (`timeoutSeconds`); default 300. */
  timeoutSeconds?: number;
  /** Client-side inactivity timeout (default 30 s); a test hook. */
  inactivityMs?: number;
  /** Jitter source of the reconnect backoff (tests). */
  random?: () => number;
}

/** Answers that retrying cannot change: the watch is reported lost at once. */
const FATAL_STATUS = new Set([400, 401, 403, 404, 405, 422]);

/** Collection path segment of each kind under `/apis/apps/v1/namespaces/{ns}/`. */
const KIND_PLURAL: Record<WorkloadKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

/** Counters, for tests and the benchmark. */
export interface WatchStats {
  watches: number;
  relists: number;
  /** Watches ended by client-node's inactivity timeout. */
  timeouts: number;
  /** Watches the server ended (its timeoutSeconds, or a closed connection). */
  closed: number;
  gone: number;
  failures: number;
}

/** Silence after which a watch is resumed, as client-node 2.0.1's Watch does (its `requestTimeoutMs`). */
const INACTIVITY_MS = 30_000;

export class CollectionWatch {
  readonly stats: WatchStats = { watches: 0, relists: 0, timeouts: 0, closed: 0, gone: 0, failures: 0 };
  private resourceVersion: string;
  private stopped = false;
  private controller: AbortController | undefined;
  private readonly sleeper = new AbortController();
  private readonly known = new Set<string>();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly clients: KubeClients,
    private readonly options: CollectionWatchOptions,
  ) {
    this.resourceVersion = options.resourceVersion;
  }

  /** `/apis/apps/v1/namespaces/<ns>/<kind>s`: the collection the watch follows. */
  get path(): string {
    return `/apis/apps/v1/namespaces/${encodeURIComponent(this.options.namespace)}/${KIND_PLURAL[this.options.kind]}`;
  }

  /** Remembers objects of the initial list, so a re-list can tell which were deleted meanwhile. */
  seed(items: Workload[]): void {
    for (const item of items) this.known.add(item.metadata.name);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the watch (and any backoff sleep) and waits for the loop to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller?.abort();
    this.sleeper.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let relist = false;
    while (!this.stopped) {
      if (relist) {
        try {
          await this.relist();
          relist = false;
          failures = 0;
        } catch (err) {
          if (await this.failed(err, ++failures)) return;
          continue;
        }
      }
      if (this.clients.limits.budget().ms <= 0) {
        // The deadline passed: nothing more to watch for; wait for stop().
        await this.options.clock.sleep(60_000, this.sleeper.signal);
        continue;
      }
      const outcome = await this.watchOnce();
      if (this.stopped) return;
      if (outcome.kind === 'gone') {
        this.stats.gone++;
        this.options.logger.debug(`watch ${this.path}: resourceVersion ${this.resourceVersion} is too old (410 Gone); re-listing`);
        relist = true;
      } else if (outcome.kind === 'closed') {
        if (outcome.timeout) this.stats.timeouts++;
        else this.stats.closed++;
        failures = 0;
      } else if (await this.failed(outcome.error, ++failures)) {
        return;
      }
    }
  }

  /** Returns true when it gave up. */
  private async failed(err: unknown, failures: number): Promise<boolean> {
    this.stats.failures++;
    const { kind, namespace } = this.options;
    const status = errorStatus(err);
    const permission = status === 403 ? { ...listPermission(kind, namespace), verb: 'watch' } : undefined;
    const error = kubeError(err, `watch ${kind}s in namespace ${namespace}`, this.clients.server, permission);
    if (status !== undefined && FATAL_STATUS.has(status)) {
      this.options.onFatal(new Error(error.describe()));
      return true;
    }
    const wait = backoffDelay(
      { retries: 0, baseDelayMs: 250, maxDelayMs: 4000, maxRetryAfterMs: 0 },
      Math.min(failures, 10),
      this.options.random ?? Math.random,
    );
    this.options.logger.info(`${error.message}; retrying in ${wait}ms (attempt ${failures + 1})`);
    await this.options.clock.sleep(wait, this.sleeper.signal);
    return this.stopped;
  }

  private async relist(): Promise<void> {
    this.stats.relists++;
    const { items, resourceVersion } = await listKind(this.clients, this.options.namespace, this.options.kind);
    const present = new Set(items.map((i) => i.metadata.name));
    for (const name of this.known) {
      if (!present.has(name)) this.options.onObject({ kind: this.options.kind, metadata: { name, namespace: this.options.namespace } }, 'DELETED');
    }
    this.known.clear();
    for (const item of items) {
      this.known.add(item.metadata.name);
      this.options.onObject(item, 'MODIFIED');
    }
    this.resourceVersion = resourceVersion;
  }

  private watchOnce(): Promise<{ kind: 'closed'; timeout: boolean } | { kind: 'gone' } | { kind: 'error'; error: unknown }> {
    const controller = new AbortController();
    this.controller = controller;
    // The connection may last the request timeout, each silence the inactivity timeout; neither past the deadline.
    const budget = this.clients.limits.budget().ms;
    const inactivityMs = Math.min(this.options.inactivityMs ?? INACTIVITY_MS, budget);
    let gone = false;
    let failure: Error | undefined;
    this.stats.watches++;
    return watchStream(this.clients, {
      path: this.path,
      query: { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.options.timeoutSeconds ?? 300 },
      signal: controller.signal,
      connectMs: budget,
      inactivityMs,
      onEvent: (type, object) => {
        if (type === 'ERROR') {
          const status = object as { code?: number; message?: string };
          if (status?.code === 410) gone = true;
          else failure = Object.assign(new Error(status?.message ?? 'watch ERROR event'), { statusCode: status?.code });
          controller.abort();
          return;
        }
        const workload = object as Workload;
        const version = workload?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (type === 'BOOKMARK') return;
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
        if (type === 'DELETED') this.known.delete(workload.metadata.name);
        else this.known.add(workload.metadata.name);
        this.options.onObject({ ...workload, kind: this.options.kind }, type);
      },
    }).then(
      () => {
        if (gone) return { kind: 'gone' as const };
        if (failure) return { kind: 'error' as const, error: failure };
        return { kind: 'closed' as const, timeout: false };
      },
      (err: unknown) => {
        if (gone) return { kind: 'gone' as const };
        if (this.stopped) return { kind: 'closed' as const, timeout: false };
        if (err instanceof WatchTimeoutError) return { kind: 'closed' as const, timeout: true };
        if ((err as { statusCode?: number }).statusCode === 410) return { kind: 'gone' as const };
        return { kind: 'error' as const, error: err };
      },
    );
  }
}

/** Describes a watch problem for the final report. */
export function watchFailure(namespace: string, kind: WorkloadKind, error: Error): string {
  return `lost the watch on ${kind}s in namespace ${namespace}: ${error.message}`;
}
