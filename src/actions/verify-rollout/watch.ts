import type { Watch } from '@kubernetes/client-node';
import { errorStatus, kubeError, parseStatus, type KubeClients } from '../../core/kube/client.js';
import { ActionError } from '../../core/errors.js';
import { listKind } from '../../core/kube/selection.js';
import { backoffDelay } from '../../core/retry.js';
import type { Clock } from '../../core/time.js';
import type { Workload, WorkloadKind } from '../../core/kube/workload.js';
import type { Logger } from '../../core/log.js';

/**
 * One list+watch of one workload collection (a namespace and a kind), kept alive for as long as it
 * is needed: client-node 2.0.1 ends a watch after 30 s without data (TimeoutError) and the server ends
 * it at `timeoutSeconds`; both resume from the last resourceVersion seen. A 410 Gone (inside the 200
 * stream as an ERROR event, or as the HTTP status) means that version is too old: re-list, then watch
 * from the list's version. Network failures are retried with backoff, then reported once.
 */
export interface CollectionWatchOptions {
  namespace: string;
  kind: WorkloadKind;
  /** resourceVersion of the initial list (the watch starts from there, so nothing is missed). */
  resourceVersion: string;
  /** Every object seen: ADDED/MODIFIED from the stream, and each item of a re-list. */
  onObject: (object: Workload, type: 'ADDED' | 'MODIFIED' | 'DELETED') => void;
  /** Called once when the watch cannot be kept alive (after retries). */
  onFatal: (error: Error) => void;
  clock: Clock;
  logger: Logger;
  /** Server-side watch timeout (`timeoutSeconds`); default 300. */
  timeoutSeconds?: number;
  /** Client-side inactivity timeout of client-node's Watch (default 30 s); a test hook. */
  inactivityMs?: number;
  /** Consecutive failed attempts before giving up; default 6 (up to ~16 s of jittered backoff). */
  maxFailures?: number;
  /** Jitter source of the reconnect backoff (tests). */
  random?: () => number;
}

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
    const watch = new this.clients.lib.Watch(this.clients.config);
    if (this.options.inactivityMs !== undefined) (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = this.options.inactivityMs;
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
      const outcome = await this.watchOnce(watch);
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
    const max = this.options.maxFailures ?? 6;
    const error = this.describeFailure(err);
    // Refused credentials or permissions do not get better by retrying: report them at once.
    const refused = errorStatus(err) === 401 || errorStatus(err) === 403;
    if (refused || failures >= max) {
      this.options.onFatal(new Error(refused ? error.describe() : `${error.describe()} (gave up after ${failures} attempts)`));
      return true;
    }
    const wait = backoffDelay({ retries: max - 1, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 0 }, failures, this.options.random ?? Math.random);
    this.options.logger.info(`${error.message}; retrying in ${wait}ms (attempt ${failures + 1} of ${max})`);
    await this.options.clock.sleep(wait, this.sleeper.signal);
    return this.stopped;
  }

  /**
   * client-node's Watch drops the body of a refused watch (only `Forbidden` and the status code remain), so a
   * 403 without the server's Status says itself which permission the request needed: `watch` on this collection.
   */
  private describeFailure(err: unknown): ActionError {
    const what = `watch ${this.options.kind}s in namespace ${this.options.namespace}`;
    const error = kubeError(err, what, this.clients.server);
    if (errorStatus(err) !== 403 || parseStatus(err)?.message) return error;
    return new ActionError(
      `could not ${what}: HTTP 403 Forbidden: the identity in the kubeconfig may not watch resource "${KIND_PLURAL[this.options.kind]}" in API group "apps" in the namespace "${this.options.namespace}"`,
      { where: error.where, fix: error.fix, cause: err },
    );
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

  private watchOnce(watch: Watch): Promise<{ kind: 'closed'; timeout: boolean } | { kind: 'gone' } | { kind: 'error'; error: unknown }> {
    return new Promise((resolve) => {
      let gone = false;
      let settled = false;
      const finish = (value: Parameters<typeof resolve>[0]) => {
        if (!settled) {
          settled = true;
          resolve(value);
        }
      };
      this.stats.watches++;
      const query = { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.options.timeoutSeconds ?? 300 };
      watch
        .watch(
          this.path,
          query,
          (type: string, object: unknown) => {
            if (type === 'ERROR') {
              const status = object as { code?: number; message?: string };
              if (status?.code === 410) {
                gone = true;
                this.controller?.abort();
              } else {
                finish({ kind: 'error', error: Object.assign(new Error(status?.message ?? 'watch ERROR event'), { statusCode: status?.code }) });
                this.controller?.abort();
              }
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
          (err: unknown) => {
            if (gone) return finish({ kind: 'gone' });
            if (this.stopped) return finish({ kind: 'closed', timeout: false });
            if (!err) return finish({ kind: 'closed', timeout: false });
            if ((err as { name?: string }).name === 'TimeoutError') return finish({ kind: 'closed', timeout: true });
            if ((err as { statusCode?: number }).statusCode === 410) return finish({ kind: 'gone' });
            finish({ kind: 'error', error: err });
          },
        )
        .then(
          (controller) => {
            this.controller = controller;
            if (this.stopped || settled || gone) controller.abort();
          },
          (err: unknown) => finish({ kind: 'error', error: err }),
        );
    });
  }
}

/** Describes a watch problem for the final report. */
export function watchFailure(namespace: string, kind: WorkloadKind, error: Error): string {
  return `lost the watch on ${kind}s in namespace ${namespace}: ${error.message}`;
}
