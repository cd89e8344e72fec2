import { RELOADER_KEYS, resourceHash, resourceTypeOfKind, type ReloadResource, type ReloadStrategy, type WorkloadLike } from '../../../core/kube/reloader.js';
import { RELOADER_FIELD_MANAGER, pausePatch, reloadedMessage, resumePatch, workloadsToReload } from '../../kube/reloader-plan.js';
import { apiRequest, ApiStatusError, watchStream, type ApiTarget, type WatchEvent } from './http.js';

/**
 * A stand-in for Stakater Reloader, for when no `reloader` binary can be had (the Go module proxy
 * serves no version of github.com/stakater/Reloader). It is NOT Reloader: it runs in the launcher's
 * process, watches ConfigMaps and Secrets of every namespace through the real API server, and for each
 * update whose hash changed applies the same rules as the emulator's Reloader (src/core/kube/reloader.ts,
 * src/playground/kube/reloader-plan.ts): the strategic merge patch with fieldManager Reloader on each
 * selected Deployment, DaemonSet and StatefulSet (no Jobs, CronJobs or Argo Rollouts), a Deployment's
 * pause-period, and the `Reloaded` / `ReloadFail` Events. So it exercises the real controllers'
 * rollouts, not Reloader's own code.
 */
export interface ReloaderStandIn {
  /** Resolves when both watches are established. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

interface Meta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  annotations?: Record<string, string>;
}
interface Resource {
  kind?: string;
  metadata: Meta;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  spec?: { paused?: boolean } & NonNullable<WorkloadLike['spec']>;
}
interface List {
  metadata: { resourceVersion: string };
  items: Resource[];
}

const WORKLOADS = [
  { kind: 'Deployment', path: 'deployments' },
  { kind: 'DaemonSet', path: 'daemonsets' },
  { kind: 'StatefulSet', path: 'statefulsets' },
] as const;

export function startReloaderStandIn(target: ApiTarget, options: { strategy: ReloadStrategy; log: (line: string) => void }): ReloaderStandIn {
  const abort = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  let queue: Promise<void> = Promise.resolve();
  const log = options.log;

  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((err: Error) => log(`error: ${err.message}`));
  };

  const event = async (about: Resource, kind: string, type: 'Normal' | 'Warning', reason: string, message: string, component: string) => {
    const now = new Date().toISOString();
    const ns = about.metadata.namespace;
    await apiRequest(target, 'POST', `/api/v1/namespaces/${ns}/events`, {
      body: {
        metadata: { generateName: `${about.metadata.name}.`, namespace: ns },
        involvedObject: {
          kind,
          namespace: ns,
          name: about.metadata.name,
          uid: about.metadata.uid,
          apiVersion: 'apps/v1',
          resourceVersion: about.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: { component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        reportingComponent: component,
      },
    }).catch((err: Error) => log(`event ${reason} on ${kind} ${ns}/${about.metadata.name} not recorded: ${err.message}`));
  };

  const patch = (ns: string, path: string, name: string, body: unknown) =>
    apiRequest(target, 'PATCH', `/apis/apps/v1/namespaces/${ns}/${path}/${name}?fieldManager=${RELOADER_FIELD_MANAGER}`, {
      body,
      contentType: 'application/strategic-merge-patch+json',
    });

  const resumeLater = (ns: string, name: string, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      enqueue(async () => {
        const d = await apiRequest<Resource>(target, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
        if (!d.spec?.paused || !d.metadata.annotations?.[RELOADER_KEYS.pausedAt]) return;
        await patch(ns, 'deployments', name, resumePatch());
        log(`resumed Deployment ${ns}/${name} after its pause-period`);
      });
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const handle = async (changed: Resource, kind: 'ConfigMap' | 'Secret') => {
    const type = resourceTypeOfKind(kind);
    const ns = changed.metadata.namespace;
    const resource: ReloadResource = {
      type,
      name: changed.metadata.name,
      namespace: ns,
      annotations: changed.metadata.annotations,
      hash: resourceHash(type, changed),
    };
    const component = type === 'SECRET' ? 'reloader-secrets' : 'reloader-configmaps';
    const workloads: Resource[] = [];
    for (const w of WORKLOADS) {
      const list = await apiRequest<List>(target, 'GET', `/apis/apps/v1/namespaces/${ns}/${w.path}`);
      for (const item of list.items) workloads.push({ ...item, kind: w.kind });
    }
    for (const plan of workloadsToReload(resource, workloads, { strategy: options.strategy }, Date.now())) {
      const w = WORKLOADS.find((x) => x.kind === plan.kind);
      const workload = workloads.find((x) => x.kind === plan.kind && x.metadata.name === plan.name);
      if (!w || !workload || !plan.patch) continue;
      if (plan.invalidPausePeriod !== undefined) {
        log(`invalid ${RELOADER_KEYS.pausePeriod} '${plan.invalidPausePeriod}' on Deployment ${ns}/${plan.name}; reload aborted`);
        return;
      }
      if (plan.pausePeriodMs !== undefined && !workload.spec?.paused) {
        await patch(ns, 'deployments', plan.name, pausePatch(Date.now()));
        resumeLater(ns, plan.name, plan.pausePeriodMs);
      }
      try {
        await patch(ns, w.path, plan.name, plan.patch);
      } catch (err) {
        const why = err instanceof ApiStatusError ? err.message : String(err);
        await event(
          workload,
          w.kind,
          'Warning',
          'ReloadFail',
          `Update for '${plan.name}' of type '${w.kind}' in namespace '${ns}' failed with error ${why}`,
          component,
        );
        return;
      }
      log(`${kind} ${ns}/${resource.name} changed (hash ${resource.hash.slice(0, 12)}): reloaded ${w.kind} ${ns}/${plan.name}`);
      await event(workload, w.kind, 'Normal', 'Reloaded', reloadedMessage(resource, w.kind, plan.name), component);
    }
  };

  /** List, then watch from the list's resourceVersion; relist on 410 Gone or a closed stream. */
  const informer = async (kind: 'ConfigMap' | 'Secret', path: string, onReady: () => void) => {
    const hashes = new Map<string, string>();
    const type = resourceTypeOfKind(kind);
    let first = true;
    while (!abort.signal.aborted) {
      try {
        const list = await apiRequest<List>(target, 'GET', `/api/v1/${path}`);
        for (const item of list.items) hashes.set(item.metadata.uid, resourceHash(type, item));
        if (first) {
          first = false;
          onReady();
        }
        let rv = list.metadata.resourceVersion;
        for (;;) {
          let gone = false;
          await watchStream<Resource>(
            target,
            `/api/v1/${path}?watch=1&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=${rv}`,
            (e: WatchEvent<Resource>) => {
              if (e.type === 'ERROR') {
                gone = true;
                return;
              }
              rv = e.object.metadata.resourceVersion;
              if (e.type === 'BOOKMARK') return;
              const uid = e.object.metadata.uid;
              if (e.type === 'DELETED') {
                hashes.delete(uid);
                return;
              }
              const hash = resourceHash(type, e.object);
              const before = hashes.get(uid);
              hashes.set(uid, hash);
              // Reloader's defaults: --reload-on-create=false, --reload-on-delete=false; updates with an unchanged hash roll nothing.
              if (e.type === 'MODIFIED' && before !== undefined && before !== hash) enqueue(() => handle(e.object, kind));
            },
            abort.signal,
          );
          if (gone || abort.signal.aborted) break;
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        log(`${kind} watch failed: ${(err as Error).message}; relisting in 1 s`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };

  let readyCount = 0;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const onReady = () => {
    if (++readyCount === 2) {
      log(`watching configMaps and secrets in all namespaces (reload strategy ${options.strategy})`);
      markReady();
    }
  };
  const loops = [informer('ConfigMap', 'configmaps', onReady), informer('Secret', 'secrets', onReady)];

  return {
    ready,
    async stop() {
      abort.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled(loops);
      await queue;
    },
  };
}
