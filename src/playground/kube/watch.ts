import type { ServerResponse } from 'node:http';
import { ApiError, expired } from './errors.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { matchesFilter, type ObjectFilter } from './selectors.js';
import type { Store, StoreEvent } from './store.js';
import type { KubeObject } from './types.js';

export interface WatchRequest {
  type: ResourceType;
  /** Undefined for all namespaces (or a cluster-scoped type). */
  namespace?: string;
  filter: ObjectFilter;
  /** The `resourceVersion` query parameter: unset or "0" starts with ADDED for every current object. */
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  bookmarkIntervalMs: number;
  /** How an object goes on the wire (a Table row for `kubectl get -w`); as is by default. */
  render?: (object: KubeObject) => unknown;
}

/**
 * Serves `?watch=true` on a collection as the apiserver does: a 200 response of newline-delimited
 * `{"type","object"}` events, started from the requested resourceVersion (replayed from the
 * bounded history), with label/field selectors applied to transitions (an object leaving the
 * selection is DELETED, one entering it ADDED), BOOKMARKs when allowed, an end after
 * timeoutSeconds, and a too-old resourceVersion reported as an ERROR event carrying a 410 Status.
 * Returns a function that ends the stream (used by close()).
 */
export function serveWatch(store: Store, req: WatchRequest, res: ServerResponse): () => void {
  const { type, namespace, filter } = req;
  const inScope = (o: KubeObject) => namespace === undefined || !type.namespaced || o.metadata.namespace === namespace;
  const matches = (o: KubeObject | undefined) => o !== undefined && inScope(o) && matchesFilter(filter, o, type);

  let startRv: number | undefined;
  if (req.resourceVersion !== undefined && req.resourceVersion !== '' && req.resourceVersion !== '0') {
    startRv = Number(req.resourceVersion);
    // The apiserver parses it with strconv.ParseUint and answers a failure as an internal error (500, no reason).
    if (!/^\d+$/.test(req.resourceVersion))
      throw new ApiError(
        500,
        '',
        `resourceVersion: Invalid value: "${req.resourceVersion}": strconv.ParseUint: parsing "${req.resourceVersion}": invalid syntax`,
      );
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  // Headers go out at once, as the apiserver's do: a client waits for them before it sees any event.
  res.flushHeaders();
  let ended = false;
  const render = req.render ?? ((o: KubeObject) => o);
  const write = (kind: string, object: unknown) => {
    if (ended) return;
    const wire = kind === 'ERROR' || kind === 'BOOKMARK' ? object : render(object as KubeObject);
    res.write(`${JSON.stringify({ type: kind, object: wire })}\n`);
  };
  const send = (event: StoreEvent) => {
    if (event.resource !== type) return;
    const now = matches(event.object);
    if (event.type === 'ADDED') {
      if (now) write('ADDED', event.object);
    } else if (event.type === 'DELETED') {
      if (now) write('DELETED', event.object);
    } else {
      const before = matches(event.old);
      if (now && before) write('MODIFIED', event.object);
      else if (now) write('ADDED', event.object);
      else if (before)
        write('DELETED', { ...(event.old as KubeObject), metadata: { ...(event.old as KubeObject).metadata, resourceVersion: String(event.rv) } });
    }
  };

  let unsubscribe = () => {};
  const timers: NodeJS.Timeout[] = [];
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  res.on('close', end);

  if (startRv === undefined) {
    for (const o of store.list(type, namespace)) if (matches(o)) write('ADDED', o);
  } else {
    const replay = store.since(type, startRv);
    if (!Array.isArray(replay)) {
      write('ERROR', expired(startRv, replay.expired).status());
      end();
      return end;
    }
    for (const e of replay) send(e);
  }
  unsubscribe = store.subscribe(send);

  // The apiserver picks a random timeout in [minRequestTimeout, 2*minRequestTimeout) when none is asked.
  const timeoutMs = (req.timeoutSeconds ?? 1800 + Math.floor(Math.random() * 1800)) * 1000;
  const timeout = setTimeout(end, timeoutMs);
  timeout.unref();
  timers.push(timeout);
  if (req.allowWatchBookmarks) {
    const bookmark = setInterval(
      () => write('BOOKMARK', { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(store.resourceVersion) } }),
      req.bookmarkIntervalMs,
    );
    bookmark.unref();
    timers.push(bookmark);
  }
  return end;
}
