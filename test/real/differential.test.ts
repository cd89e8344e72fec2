import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { CORPUS, type Target } from './differential/corpus.js';
import { differences, Generated, normalize, sameDifference, storable, type Difference, type KnownDifference } from './differential/normalize.js';
import { startReal, type RealFixture } from './fixture.js';

/**
 * Differential tests: one corpus of API interactions (test/real/differential/corpus.ts) against the project's
 * Kubernetes emulator and the real kube-apiserver, answers normalized and compared field by field. Every
 * difference is either fixed in the emulator or listed, with its reason, in known-differences.json; a listed
 * difference that no longer occurs fails too, so the list stays true.
 *
 * `DIFFERENTIAL_WRITE=<file>` writes every difference found (in the file's format, reasons empty) for review;
 * `DIFFERENTIAL_RECORDINGS=<file>` writes what both servers answered, before normalization.
 */

const KNOWN_FILE = new URL('./known-differences.json', import.meta.url);
const known = JSON.parse(readFileSync(KNOWN_FILE, 'utf8')) as KnownDifference[];

let emulator: KubeEmulator;
let real: RealFixture;
const recorded = new Map<string, { emulator: Array<[string, unknown]>; real: Array<[string, unknown]> }>();
const found: Difference[] = [];

async function record(target: Target, name: string): Promise<Array<[string, unknown]>> {
  const steps: Array<[string, unknown]> = [];
  const c = CORPUS.find((x) => x.name === name)!;
  try {
    await c.run(target, (step, value) => steps.push([step, value]));
  } catch (err) {
    steps.push(['(the case failed)', (err as Error).message]);
  }
  return steps;
}

/** Both recordings of a case, normalized (each server's own generated names), compared step by step. */
function compare(name: string): Difference[] {
  const both = recorded.get(name)!;
  const genE = new Generated();
  const genR = new Generated();
  genE.learn(both.emulator.map(([, v]) => v));
  genR.learn(both.real.map(([, v]) => v));
  const steps = [...new Set([...both.emulator.map(([s]) => s), ...both.real.map(([s]) => s)])];
  return steps.flatMap((step) =>
    differences(normalize(both.emulator.find(([s]) => s === step)?.[1], genE), normalize(both.real.find(([s]) => s === step)?.[1], genR), { case: name, step }),
  );
}

beforeAll(async () => {
  // The emulator keeps 20 events per resource type; the real etcd is compacted every 3 s and Secrets have no
  // watch cache, so a watch from an old resourceVersion of a Secret reaches the compaction: gone on both.
  [emulator, real] = await Promise.all([
    startKube({ podReadyDelayMs: 200, eventHistory: 20 }),
    startReal({ reloader: false, apiServerArgs: ['--etcd-compaction-interval=3s', '--watch-cache-sizes=secrets#0'] }),
  ]);
  const targets: Target[] = [
    { name: 'emulator', api: { server: emulator.url }, kubeconfigPath: emulator.kubeconfigPath, kubectl: real.kubectlPath },
    { name: 'real', api: real.admin, kubeconfigPath: real.kube.kubeconfigPath, kubectl: real.kubectlPath },
  ];
  for (const c of CORPUS) {
    const [e, r] = await Promise.all(targets.map((t) => record(t, c.name)));
    recorded.set(c.name, { emulator: e, real: r });
  }
  for (const c of CORPUS) found.push(...compare(c.name));
  if (process.env.DIFFERENTIAL_RECORDINGS) writeFileSync(process.env.DIFFERENTIAL_RECORDINGS, `${JSON.stringify(Object.fromEntries(recorded), null, 1)}\n`);
  if (process.env.DIFFERENTIAL_WRITE) {
    writeFileSync(
      process.env.DIFFERENTIAL_WRITE,
      `${JSON.stringify(
        found.map((d) => ({ ...storable(d), reason: known.find((k) => sameDifference(k, d))?.reason ?? '' })),
        null,
        2,
      )}\n`,
    );
  }
}, 600_000);
afterAll(async () => {
  await emulator?.close();
  await real?.close();
});

describe('the Kubernetes emulator against the real kube-apiserver v1.36.3 (differential)', () => {
  it.each(CORPUS.map((c) => c.name))('%s: every difference is listed with its reason, and every listed one still occurs', (name) => {
    const here = found.filter((d) => d.case === name);
    const unlisted = here.filter((d) => !known.some((k) => sameDifference(k, d))).map(storable);
    const stale = known.filter((k) => k.case === name && !here.some((d) => sameDifference(k, d)));
    expect({ unlisted, stale }).toEqual({ unlisted: [], stale: [] });
    // Neither side may have failed outright: a failed case would compare nothing.
    const both = recorded.get(name)!;
    expect([...both.emulator, ...both.real].filter(([s]) => s === '(the case failed)')).toEqual([]);
  });

  it('the known-differences file names only cases of the corpus, and gives each a reason', () => {
    expect(known.filter((k) => !CORPUS.some((c) => c.name === k.case) || !k.reason?.trim())).toEqual([]);
  });
});
