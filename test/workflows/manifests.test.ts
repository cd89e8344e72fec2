import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startKube, type KubeEmulator, type MountedConfig } from '../../src/playground/kube/index.js';

/**
 * The example manifests the workflows default to: valid for the Kubernetes emulator (which applies the
 * API's validation), and wired so that rewriting the ConfigMaps a switch rewrites makes the emulator's
 * Reloader roll every client — through `configmap.reloader.stakater.com/reload` (proxy), `auto` (no-proxy
 * producer) and `search` + `match` (no-proxy consumer).
 */
const dir = new URL('../../src/playground/manifests/', import.meta.url).pathname;
const north = { CCLOUD_URL: 'north.kafka.local:9092', CCLOUD_APIKEY: 'NORTHKEY00000001', CCLOUD_PASSWD: 'north-secret' };
const west = { CCLOUD_URL: 'west.kafka.local:9092', CCLOUD_APIKEY: 'WESTKEY000000002', CCLOUD_PASSWD: 'west-secret' };

/** What swap-configmap writes: each placeholder filled from the environment. */
function load(style: string, file: string, values: Record<string, string>): object[] {
  const text = readFileSync(join(dir, style, file), 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`unexpected placeholder \${${name}} in ${style}/${file}`);
    return values[name];
  });
  return parseAllDocuments(text).map((d) => d.toJS() as object);
}

const swapped = { proxy: ['kafka-proxy-config.yaml'], noproxy: ['java-cloud-producer-noproxy-config.yaml', 'java-cloud-consumer-noproxy-config.yaml'] };
const clients = { proxy: ['java-cloud-producer', 'java-cloud-consumer'], noproxy: ['java-cloud-producer-noproxy', 'java-cloud-consumer-noproxy'] };
const namespaces = { proxy: 'clients', noproxy: 'nproxy-clients' };

describe('example manifests', () => {
  let kube: KubeEmulator;
  const started: Array<{ owner: string; namespace: string; mounted: MountedConfig }> = [];

  beforeAll(async () => {
    kube = await startKube({ podReadyDelayMs: 10 });
    kube.onPod((event, pod, mounted) => {
      if (event === 'started') started.push({ owner: pod.owner, namespace: pod.namespace, mounted });
    });
  });
  afterAll(async () => kube?.close());

  it('each swapped ConfigMap carries the three placeholders and the search-mode match annotation', () => {
    for (const [style, files] of Object.entries(swapped)) {
      for (const file of files) {
        const text = readFileSync(join(dir, style, file), 'utf8');
        for (const name of ['CCLOUD_URL', 'CCLOUD_APIKEY', 'CCLOUD_PASSWD']) expect({ file, has: text.includes(`\${${name}}`) }).toEqual({ file, has: true });
        const [doc] = load(style, file, north) as Array<{ kind: string; metadata: { annotations: Record<string, string> } }>;
        expect(doc.kind).toBe('ConfigMap');
        expect(doc.metadata.annotations['reloader.stakater.com/match']).toBe('true');
      }
    }
  });

  it.each(['proxy', 'noproxy'] as const)(
    '%s: applies cleanly, starts the clients, and a ConfigMap change rolls every client onto the new cluster',
    async (style) => {
      const files = readdirSync(join(dir, style)).sort((a, b) => (a === 'namespace.yaml' ? -1 : b === 'namespace.yaml' ? 1 : a.localeCompare(b)));
      kube.apply(files.flatMap((f) => load(style, f, north)));
      const ns = namespaces[style];
      const owners = clients[style].map((name) => `Deployment/${name}`);
      const startedOn = (cluster: string) => (owner: string) =>
        started.filter((s) => s.owner === owner && s.namespace === ns && JSON.stringify(s.mounted).includes(cluster)).length;
      await waitFor(() => owners.every((o) => startedOn('north.kafka.local')(o) === 2));

      kube.apply(swapped[style].flatMap((f) => load(style, f, west)));
      await waitFor(() => owners.every((o) => startedOn('west.kafka.local')(o) === 2));
      // Each client read the west cluster's settings from the ConfigMap the switch rewrote.
      for (const owner of owners) {
        const latest = started.filter((s) => s.owner === owner).at(-1)!;
        const config =
          style === 'proxy'
            ? latest.mounted.configMaps['kafka-proxy-config'].BOOTSTRAP_SERVER
            : Object.values(latest.mounted.configMaps)[0]['config.properties'];
        expect(config).toContain('west.kafka.local:9092');
        expect(config).not.toContain('north.kafka.local');
      }
    },
  );
});

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
