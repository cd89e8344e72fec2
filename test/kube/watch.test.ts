import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { namespace, waitFor } from './helpers.js';

let emu: KubeEmulator;
let watch: Watch;
beforeAll(async () => {
  emu = await startKube({ reloader: false, eventHistory: 5, bookmarkIntervalMs: 30 });
  const kc = new KubeConfig();
  kc.loadFromFile(emu.kubeconfigPath);
  watch = new Watch(kc);
});
afterAll(() => emu.close());

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  data?: unknown;
  code?: number;
  reason?: string;
}

/** Starts a client-node watch and collects its events; `done` resolves with what done() got. */
async function collect(path: string, query: Record<string, string | number | boolean | undefined>) {
  const events: Seen[] = [];
  let resolveDone: (err: unknown) => void = () => {};
  const done = new Promise<unknown>((r) => (resolveDone = r));
  const ctrl = await watch.watch(
    path,
    query,
    (type, obj: { metadata?: { name?: string; resourceVersion?: string }; data?: unknown; code?: number; reason?: string }) =>
      events.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion, data: obj.data, code: obj.code, reason: obj.reason }),
    (err) => resolveDone(err ?? null),
  );
  return { events, done, ctrl };
}

const cm = (ns: string, name: string, data: Record<string, string>, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  data,
});

describe('watch', () => {
  it('starts with ADDED for existing objects, then streams MODIFIED and DELETED', async () => {
    const ns = namespace(emu);
    emu.apply(cm(ns, 'a', { v: '1' }));
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, {});
    await waitFor('initial ADDED', () => w.events.length === 1);
    emu.apply(cm(ns, 'a', { v: '2' }));
    const res = await fetch(`${emu.url}/api/v1/namespaces/${ns}/configmaps/a`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await waitFor('three events', () => w.events.length === 3);
    expect(w.events.map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:a', 'MODIFIED:a', 'DELETED:a']);
    expect(w.events[1].data).toEqual({ v: '2' });
    w.ctrl.abort();
  });

  it('resumes from a resourceVersion with only the later events', async () => {
    const ns = namespace(emu);
    const [first] = emu.apply(cm(ns, 'a', { v: '1' })) as Array<{ metadata: { resourceVersion: string } }>;
    emu.apply(cm(ns, 'a', { v: '2' }));
    emu.apply(cm(ns, 'b', { v: '1' }));
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: first.metadata.resourceVersion });
    await waitFor('two replayed events', () => w.events.length === 2);
    expect(w.events.map((e) => `${e.type}:${e.name}`)).toEqual(['MODIFIED:a', 'ADDED:b']);
    w.ctrl.abort();
  });

  it('applies field and label selectors to transitions (leaving the selection is DELETED)', async () => {
    const ns = namespace(emu);
    emu.apply(cm(ns, 'a', { v: '1' }, { team: 'x' }));
    const byName = await collect(`/api/v1/namespaces/${ns}/configmaps`, { fieldSelector: 'metadata.name=b' });
    const byLabel = await collect(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'team=x' });
    await waitFor('initial label match', () => byLabel.events.length === 1);
    emu.apply(cm(ns, 'b', { v: '1' }));
    emu.apply(cm(ns, 'a', { v: '1' }, { team: 'y' }));
    await waitFor('b seen', () => byName.events.length === 1);
    await waitFor('a leaves the label selection', () => byLabel.events.length === 2);
    expect(byName.events.map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:b']);
    expect(byLabel.events.map((e) => `${e.type}:${e.name}`)).toEqual(['ADDED:a', 'DELETED:a']);
    byName.ctrl.abort();
    byLabel.ctrl.abort();
  });

  it('ends the stream after timeoutSeconds (done is called without an error)', async () => {
    const ns = namespace(emu);
    const started = Date.now();
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1 });
    expect(await w.done).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('delivers a too-old resourceVersion as an ERROR event with a 410 Status inside a 200 stream', async () => {
    const ns = namespace(emu);
    const [first] = emu.apply(cm(ns, 'a', { v: '0' })) as Array<{ metadata: { resourceVersion: string } }>;
    // eventHistory is 5 per type: ten more writes push the first out of the watch cache.
    for (let i = 1; i <= 10; i++) emu.apply(cm(ns, 'a', { v: String(i) }));
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: first.metadata.resourceVersion });
    await waitFor('the ERROR event', () => w.events.length === 1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', code: 410, reason: 'Expired' });
    expect(await w.done).toBeNull();
    const res = await fetch(`${emu.url}/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const line = JSON.parse((await res.text()).trim()) as { type: string; object: { kind: string; code: number; message: string } };
    expect(line).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410 } });
    expect(line.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('sends BOOKMARK events when allowed', async () => {
    const ns = namespace(emu);
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { allowWatchBookmarks: true });
    await waitFor('a bookmark', () => w.events.some((e) => e.type === 'BOOKMARK' && Number(e.rv) > 0));
    w.ctrl.abort();
    const quiet = await collect(`/api/v1/namespaces/${ns}/configmaps`, {});
    await new Promise((r) => setTimeout(r, 100));
    expect(quiet.events).toEqual([]);
    quiet.ctrl.abort();
  });

  it('records watch requests as such in requests()', async () => {
    emu.resetRequests();
    const ns = namespace(emu);
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1 });
    await waitFor('request recorded', () => emu.requests().length === 1);
    expect(emu.requests()[0]).toMatchObject({ method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps`, status: 200, watch: true });
    w.ctrl.abort();
  });
});
