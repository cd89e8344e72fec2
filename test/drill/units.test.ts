import { describe, expect, it } from '@jest/globals';
import { finalChecks, phaseChecks, type PhaseFacts } from '../../src/playground/drill/checks.js';
import { expandVars, firstServer, parseProperties, resolveConnection, type PodSpecLike } from '../../src/playground/drill/client-config.js';
import type { ClientPod } from '../../src/playground/drill/clients.js';
import { decodeRecord, encodeRecord, Ledger, recordKey } from '../../src/playground/drill/ledger.js';
import { duplicatesBetween, longestGap, measureFinal, measurePhase, type PhaseMeasures, type PhaseWindow } from '../../src/playground/drill/measures.js';
import { ganttLabel } from '../../src/core/mermaid.js';
import { mermaidGantt } from '../../src/playground/drill/mermaid.js';
import { DEFAULT_TIMING, DrillUsageError, parseDrillArgs, REAL_KUBE_TIMING } from '../../src/playground/drill/options.js';
import { textTable } from '../../src/playground/drill/report.js';
import { tickStep, timelineSvg, xmlEscape } from '../../src/playground/drill/svg.js';
import type { Timeline } from '../../src/playground/drill/timeline.js';
import { clientNamespace, loadManifests, producerTopics } from '../../src/playground/drill/topology.js';
import type { MountedConfig } from '../../src/playground/kube/index.js';
import { workspace } from './helpers.js';

describe('parseDrillArgs', () => {
  it("--style both runs the two client groups at once; 'all' stays the two styles of the 8-drill matrix", () => {
    expect(parseDrillArgs(['--style', 'both']).scenarios).toEqual([{ pattern: 'active-passive', style: 'both', mode: 'unplanned' }]);
    expect(parseDrillArgs(['--all']).scenarios).toHaveLength(8);
    expect(() => parseDrillArgs(['--style', 'three'])).toThrow("--style 'three' is not one of proxy, noproxy, both or all.");
  });

  it('--fault takes failure drills by name or all, on the emulator only', () => {
    expect(parseDrillArgs([]).faults).toEqual([]);
    expect(parseDrillArgs(['--fault', 'bad-link,crash-loop']).faults).toEqual(['bad-link', 'crash-loop']);
    expect(parseDrillArgs(['--fault', 'all']).faults).toEqual([
      'bad-manifest',
      'missing-object',
      'missing-permission',
      'missing-secret',
      'bad-link',
      'crash-loop',
      'source-down',
    ]);
    expect(() => parseDrillArgs(['--fault', 'typo'])).toThrow(
      "--fault 'typo' is not one of bad-manifest, missing-object, missing-permission, missing-secret, bad-link, crash-loop, source-down or all.",
    );
    expect(() => parseDrillArgs(['--fault', 'bad-link', '--kube', 'real'])).toThrow('--fault runs on the Kubernetes emulator');
    expect(() => parseDrillArgs(['--fault', 'bad-link', '--kafka', 'real'])).toThrow('--fault runs on the Confluent emulator; leave out --kafka real.');
  });

  it('takes --kafka real for every pattern, with the real-Kafka timing', () => {
    const real = parseDrillArgs(['--kafka', 'real', '--pattern', 'active-active']);
    expect([real.kafka, real.scenarios]).toEqual(['real', [{ pattern: 'active-active', style: 'proxy', mode: 'unplanned' }]]);
    expect([real.timing.settleMs, real.timing.offsetSyncMs, real.timing.users]).toEqual([10_000, 1000, 5]);
    expect(parseDrillArgs(['--kafka', 'real', '--pattern', 'active-active', '--users', '3']).timing.users).toBe(3);
    expect(parseDrillArgs([]).kafka).toBe('emulator');
    expect(parseDrillArgs(['--kafka', 'real']).scenarios).toEqual([{ pattern: 'active-passive', style: 'proxy', mode: 'unplanned' }]);
    expect(parseDrillArgs(['--kafka', 'real', '--all']).scenarios).toHaveLength(8);
    expect(() => parseDrillArgs(['--kafka', 'confluent'])).toThrow("--kafka 'confluent' is not one of emulator, real or all.");
    expect(() => parseDrillArgs(['--fault', 'bad-link', '--all'])).toThrow('--fault runs its own drill');
  });

  it('runs the representative scenario by default and the 8-drill matrix with --all', () => {
    expect(parseDrillArgs([]).scenarios).toEqual([{ pattern: 'active-passive', style: 'proxy', mode: 'unplanned' }]);
    const all = parseDrillArgs(['--all']).scenarios;
    expect(all).toHaveLength(8);
    expect(new Set(all.map((s) => `${s.pattern}/${s.style}/${s.mode}`)).size).toBe(8);
    expect(parseDrillArgs(['--pattern', 'all', '--style', 'noproxy', '--mode', 'planned']).scenarios).toEqual([
      { pattern: 'active-passive', style: 'noproxy', mode: 'planned' },
      { pattern: 'active-active', style: 'noproxy', mode: 'planned' },
    ]);
    expect(parseDrillArgs(['--mode', 'planned,unplanned']).scenarios.map((s) => s.mode)).toEqual(['planned', 'unplanned']);
    const custom = parseDrillArgs(['--users', '3', '--interval', '20', '--hold', '0', '--out', 'x']);
    expect(custom.timing).toEqual({ ...DEFAULT_TIMING, users: 3, userIntervalMs: 20, holdMs: 0 });
    expect(custom.out).toBe('x');
    expect(custom.kube).toBe('emulator');
  });

  it('--kube real: the real control plane, with the waits a real one needs; the default stays the emulator', () => {
    const real = parseDrillArgs(['--kube', 'real', '--users', '3']);
    expect(real.kube).toBe('real');
    expect(real.timing).toEqual({ ...DEFAULT_TIMING, ...REAL_KUBE_TIMING, users: 3 });
    expect(parseDrillArgs(['--kube', 'emulator']).timing).toEqual(DEFAULT_TIMING);
    expect(() => parseDrillArgs(['--kube', 'kind'])).toThrow(new DrillUsageError("--kube 'kind' is not one of emulator, real or all."));
    expect(() => parseDrillArgs(['--kube', 'all'])).toThrow(new DrillUsageError("--kube 'all' must be one of emulator, real."));
  });

  it.each([
    [['--pattern', 'active'], "--pattern 'active' is not one of active-passive, active-active or all."],
    [['--style', 'proxy,sidecar'], "--style 'proxy,sidecar' is not one of proxy, noproxy, both or all."],
    [['--users', '0'], "--users '0' is not a whole number from 1 to 100."],
    [['--hold', '1.5'], "--hold '1.5' is not a whole number from 0 to 600000."],
  ])('%j is refused, naming the option, the value and what is accepted', (argv, message) => {
    expect(() => parseDrillArgs(argv)).toThrow(new DrillUsageError(message));
  });

  it('refuses unknown options', () => {
    expect(() => parseDrillArgs(['--fast'])).toThrow(DrillUsageError);
    expect(() => parseDrillArgs(['--fast'])).toThrow(/--fast/);
  });
});

describe('client configuration', () => {
  const mountedFrom = (objects: Array<Record<string, unknown>>): MountedConfig => ({
    configMaps: Object.fromEntries(
      objects.filter((o) => o.kind === 'ConfigMap').map((o) => [(o.metadata as { name: string }).name, o.data as Record<string, string>]),
    ),
    secrets: {},
    env: {},
  });
  const specOf = (objects: Array<Record<string, unknown>>, name: string): PodSpecLike =>
    (objects.find((o) => o.kind === 'Deployment' && (o.metadata as { name: string }).name === name)!.spec as { template: { spec: PodSpecLike } }).template.spec;
  const values = { CCLOUD_URL: 'north.kafka.local:9092', CCLOUD_APIKEY: 'NKEY', CCLOUD_PASSWD: 'n-secret' };

  it('reads properties files like Java does', () => {
    expect(parseProperties('# comment\n! also\n a = 1 \nb:2\n\nflag\nc=x=y')).toEqual({ a: '1', b: '2', flag: '', c: 'x=y' });
    expect(firstServer('SASL_SSL://west.kafka.local:9092, other:9092')).toBe('west.kafka.local:9092');
    expect(expandVars('--m=$(A),$(B)', { A: 'x' })).toBe('--m=x,$(B)');
  });

  it('proxy clients: the app talks to localhost, the kafka-proxy sidecar names the cluster and carries the key', () => {
    const objects = loadManifests(workspace, 'proxy', values);
    expect(producerTopics(objects)).toEqual(['orders']);
    expect(clientNamespace(objects)).toBe('clients');
    const producer = resolveConnection(specOf(objects, 'java-cloud-producer'), mountedFrom(objects));
    expect(producer).toEqual({
      role: 'producer',
      topic: 'orders',
      group: undefined,
      pattern: undefined,
      bootstrap: 'north.kafka.local:9092',
      username: 'NKEY',
      password: 'n-secret',
      via: 'proxy',
    });
    const consumer = resolveConnection(specOf(objects, 'java-cloud-consumer'), mountedFrom(objects));
    expect(consumer).toMatchObject({ role: 'consumer', group: 'java-cloud-consumer', bootstrap: 'north.kafka.local:9092', via: 'proxy' });
    const pattern = (consumer as { pattern: RegExp }).pattern;
    expect(['orders', 'north-orders', 'west-orders'].every((t) => pattern.test(t))).toBe(true);
    expect(['np-orders', 'orders-dlq', 'east-orders'].some((t) => pattern.test(t))).toBe(false);
  });

  it('no-proxy clients: bootstrap.servers and the JAAS credentials come from their own ConfigMap', () => {
    const objects = loadManifests(workspace, 'noproxy', values);
    expect(producerTopics(objects)).toEqual(['np-orders']);
    const producer = resolveConnection(specOf(objects, 'java-cloud-producer-noproxy'), mountedFrom(objects));
    expect(producer).toMatchObject({
      role: 'producer',
      topic: 'np-orders',
      bootstrap: 'north.kafka.local:9092',
      username: 'NKEY',
      password: 'n-secret',
      via: 'direct',
    });
    const consumer = resolveConnection(specOf(objects, 'java-cloud-consumer-noproxy'), mountedFrom(objects));
    expect(consumer).toMatchObject({ role: 'consumer', group: 'java-cloud-consumer-noproxy', via: 'direct' });
  });

  it('a pod whose configuration does not resolve gets a problem, not a connection', () => {
    const proxy = loadManifests(workspace, 'proxy', {});
    // Placeholders never filled: the sidecar maps localhost to a literal ${CCLOUD_URL}, which is no cluster.
    expect(resolveConnection(specOf(proxy, 'java-cloud-producer'), mountedFrom(proxy))).toMatchObject({ bootstrap: '${CCLOUD_URL}' });
    // The proxy ConfigMap missing from the mount: $(BOOTSTRAP_SERVER) stays unexpanded.
    const withoutProxyConfig = mountedFrom(proxy.filter((o) => (o.metadata as { name: string }).name !== 'kafka-proxy-config'));
    expect(resolveConnection(specOf(proxy, 'java-cloud-producer'), withoutProxyConfig)).toEqual({
      problem: expect.stringContaining('does not define the bootstrap server'),
    });
    // No sidecar at all.
    const spec = specOf(proxy, 'java-cloud-producer');
    expect(resolveConnection({ ...spec, containers: spec.containers.slice(0, 1) }, mountedFrom(proxy))).toEqual({
      problem: expect.stringContaining('no kafka-proxy sidecar listens there'),
    });
    expect(resolveConnection({ containers: [{ name: 'x' }] }, { configMaps: {}, secrets: {}, env: {} })).toEqual({
      problem: expect.stringContaining('mounts no ConfigMap'),
    });
  });
});

/** A ledger with records acked and delivered at given times. */
function books(entries: Array<{ key: string; cluster: string; at: number; seen?: Array<{ cluster: string; at: number }> }>): Ledger {
  const ledger = new Ledger();
  for (const e of entries) ledger.ack({ key: e.key, cluster: e.cluster, topic: 'orders', partition: 0, offset: 0, at: e.at, pod: 'p' });
  const deliveries = entries.flatMap((e) =>
    (e.seen ?? []).map((s) => ({ key: e.key, cluster: s.cluster, topic: 'orders', partition: 0, offset: 0, at: s.at, pod: 'c' })),
  );
  for (const d of deliveries.sort((a, b) => a.at - b.at)) ledger.deliver(d);
  return ledger;
}

const pod = (name: string, role: 'producer' | 'consumer', cluster: string, startedAt: number, readyAt?: number, deletedAt?: number): ClientPod => ({
  namespace: 'clients',
  name,
  owner: `Deployment/${role}`,
  role,
  cluster,
  startedAt,
  readyAt,
  deletedAt,
  positions: new Map(),
  errorCount: 0,
});

describe('measures', () => {
  it('records encode their identity and decode back', () => {
    expect(decodeRecord(encodeRecord({ user: 3, seq: 17 }))).toEqual({ user: 3, seq: 17 });
    expect(decodeRecord('not json')).toBeUndefined();
    expect(decodeRecord('{"user":"3","seq":1}')).toBeUndefined();
    expect(recordKey({ user: 3, seq: 17 })).toBe('3:17');
  });

  it('RTO is the first record produced on the target after t0 and consumed there; RPO the source acks missing there', () => {
    const ledger = books([
      { key: '0:0', cluster: 'north', at: 100, seen: [{ cluster: 'north', at: 105 }] },
      { key: '0:1', cluster: 'north', at: 190, seen: [{ cluster: 'north', at: 195 }] },
      { key: '0:2', cluster: 'north', at: 199 }, // acked just before the outage, never replicated
      // Replicated north records consumed on west do not count for the RTO...
      { key: '1:0', cluster: 'west', at: 180, seen: [{ cluster: 'west', at: 185 }] },
      // ...nor a west record consumed on north.
      {
        key: '1:1',
        cluster: 'west',
        at: 600,
        seen: [
          { cluster: 'north', at: 610 },
          { cluster: 'west', at: 700 },
        ],
      },
      {
        key: '1:2',
        cluster: 'west',
        at: 650,
        seen: [
          { cluster: 'west', at: 660 },
          { cluster: 'west', at: 720 },
        ],
      },
    ]);
    const pods = [
      pod('p-old', 'producer', 'north', 0, 10, 800),
      pod('c-old', 'consumer', 'north', 0, 10, 900),
      pod('p-new', 'producer', 'west', 500, 580),
      pod('c-new', 'consumer', 'west', 500, 580),
    ];
    const window: PhaseWindow = {
      name: 'failover',
      from: 'north',
      to: 'west',
      t0: 200,
      t0Label: 'outage',
      switchStart: 210,
      switchEnd: 950,
      evaluatedAt: 1000,
      presentOnTarget: new Set(['0:0', '0:1', '1:0', '1:1', '1:2']),
    };
    const m = measurePhase(ledger, pods, window);
    expect(m.rtoMs).toBe(460); // 1:2 consumed on west at 660
    expect(m.firstAckOnTargetMs).toBe(400);
    expect(m.firstProducerReadyMs).toBe(380);
    expect(m.clientsMovedMs).toBe(700); // the old consumer went at 900
    expect(m.ackedOnSource).toBe(3);
    expect(m.rpo).toBe(1);
    expect(m.missingSample).toEqual(['0:2']);
    expect(m.duplicates).toBe(2); // 1:1 and 1:2 were each seen twice
    expect(m.clients).toEqual({ producers: 1, consumers: 1, offTarget: [] });
    // Evaluated while an old pod was still alive: it is reported off target, and nobody has moved yet.
    const early = measurePhase(ledger, pods, { ...window, evaluatedAt: 850 });
    expect(early.clients.offTarget).toEqual([{ pod: 'c-old', role: 'consumer', cluster: 'north', problem: undefined }]);
    expect(early.clientsMovedMs).toBeUndefined();
  });

  it('the write gap counts from the last acknowledgement before t0', () => {
    expect(longestGap([{ at: 10 }, { at: 90 }, { at: 400 }, { at: 410 }], 100, 500)).toBe(310);
    expect(longestGap([{ at: 10 }], 100, 500)).toBe(490);
    expect(longestGap([], 100, 500)).toBe(400);
  });

  it('duplicates are counted per window and in total', () => {
    const ledger = books([
      {
        key: 'a',
        cluster: 'n',
        at: 0,
        seen: [
          { cluster: 'n', at: 1 },
          { cluster: 'n', at: 5 },
          { cluster: 'w', at: 20 },
        ],
      },
    ]);
    expect(duplicatesBetween(ledger, 0, 10)).toBe(1);
    expect(duplicatesBetween(ledger, 10, 30)).toBe(1);
    expect(ledger.duplicates()).toBe(2);
  });

  it('the end state separates lost records from never consumed ones', () => {
    const ledger = books([
      { key: 'a', cluster: 'n', at: 0, seen: [{ cluster: 'n', at: 1 }] },
      { key: 'b', cluster: 'n', at: 0 },
      { key: 'c', cluster: 'n', at: 0, seen: [{ cluster: 'n', at: 2 }] },
    ]);
    const f = measureFinal(ledger, new Set(['a', 'b']));
    expect(f).toMatchObject({ acked: 3, delivered: 2, lost: 1, lostSample: ['c'], unconsumed: 1, unconsumedSample: ['b'], duplicates: 0 });
  });

  it('a record acknowledged twice is a bug in the books, not a duplicate', () => {
    const ledger = books([{ key: 'a', cluster: 'n', at: 0 }]);
    expect(() => ledger.ack({ key: 'a', cluster: 'w', topic: 't', partition: 0, offset: 1, at: 1, pod: 'p' })).toThrow(/acknowledged twice/);
  });
});

describe('checks', () => {
  const measures = (over: Partial<PhaseMeasures>): PhaseMeasures => ({
    rtoMs: 900,
    producerGapMs: 800,
    ackedOnSource: 100,
    rpo: 0,
    missingSample: [],
    duplicates: 0,
    clients: { producers: 2, consumers: 2, offTarget: [] },
    ...over,
  });
  const facts = (over: Partial<PhaseFacts>): PhaseFacts => ({
    name: 'failover',
    from: 'north',
    to: 'west',
    sourceReachable: true,
    workflowFile: 'proxy-failover.yml',
    conclusion: 'success',
    measures: measures({}),
    ...over,
  });
  const verdicts = (phase: PhaseFacts) => Object.fromEntries(phaseChecks(phase).map((c) => [c.name, c.ok]));

  it('a planned switch passes only with RPO 0, every client moved and records flowing', () => {
    expect(Object.values(verdicts(facts({})))).toEqual([true, true, true, true]);
    const lossy = phaseChecks(facts({ measures: measures({ rpo: 3, missingSample: ['1:2'] }) }));
    expect(lossy.find((c) => !c.ok)).toMatchObject({ name: 'failover: RPO is 0 (source reachable)', detail: expect.stringContaining('3 of 100') });
    const stuck = phaseChecks(
      facts({
        conclusion: 'failure',
        failure: 'switch / Verify: CrashLoopBackOff',
        measures: measures({ rtoMs: undefined, clients: { producers: 2, consumers: 2, offTarget: [{ pod: 'p-1', role: 'producer', cluster: 'north' }] } }),
      }),
    );
    expect(stuck.filter((c) => !c.ok).map((c) => c.name)).toEqual([
      'failover: proxy-failover.yml succeeded',
      'failover: every client on west',
      'failover: records flow again on west',
    ]);
    expect(stuck[0].detail).toContain('CrashLoopBackOff');
    // No RPO verdict on a switch that did not complete: nothing may have been cut yet.
    expect(stuck.map((c) => c.name)).not.toContain('failover: RPO is 0 (source reachable)');
    expect(stuck[1].detail).toContain('p-1 (producer, on north)');
  });

  it('an unplanned failover must lose exactly what was predicted, and something must predict it', () => {
    const expected = { value: 7, source: "ccloud-mirror's total-lag at the cut" };
    expect(phaseChecks(facts({ sourceReachable: false, expectedRpo: expected, measures: measures({ rpo: 7 }) })).every((c) => c.ok)).toBe(true);
    expect(phaseChecks(facts({ sourceReachable: false, expectedRpo: expected, measures: measures({ rpo: 8 }) })).at(-1)).toMatchObject({
      ok: false,
      detail: expect.stringContaining('measured 8 records'),
    });
    expect(phaseChecks(facts({ sourceReachable: false, measures: measures({ rpo: 0 }) })).at(-1)).toMatchObject({ name: 'failover: RPO explained', ok: false });
  });

  it('at the end, only the cut records may be lost, and truncate-and-restore must have dropped exactly those', () => {
    const failover = facts({ sourceReachable: false, measures: measures({ rpo: 5 }) });
    const final = { acked: 100, delivered: 95, lost: 5, lostSample: [], unconsumed: 0, unconsumedSample: [], duplicates: 3, resets: 0 };
    const unplanned = { pattern: 'active-passive', style: 'proxy', mode: 'unplanned' } as const;
    expect(finalChecks(unplanned, final, [failover, facts({ name: 'failback', messagesTruncated: 5 })]).every((c) => c.ok)).toBe(true);
    expect(
      finalChecks(unplanned, final, [failover, facts({ name: 'failback', messagesTruncated: 4 })])
        .filter((c) => !c.ok)
        .map((c) => c.name),
    ).toEqual(['end: truncate-and-restore dropped exactly the records the failover cut']);
    // Without a failback (the failover failed), north still holds the cut records: nothing may be lost.
    expect(finalChecks(unplanned, { ...final, lost: 0 }, [failover]).every((c) => c.ok)).toBe(true);
    expect(finalChecks(unplanned, final, [failover])[0]).toMatchObject({ name: 'end: no acknowledged record lost', ok: false });
    const planned = { ...unplanned, mode: 'planned' } as const;
    expect(
      finalChecks(planned, { ...final, unconsumed: 2, unconsumedSample: ['x'] }, [facts({})])
        .filter((c) => !c.ok)
        .map((c) => c.name),
    ).toEqual(['end: no acknowledged record lost', 'end: every surviving record consumed']);
  });
});

describe('timeline renderings', () => {
  const timeline: Timeline = {
    start: 1_000_000,
    end: 1_004_000,
    marks: [
      { at: 1_000_500, label: 'outage: north unreachable' },
      { at: 1_000_510, label: 'failover starts' },
    ],
    bars: [
      { group: 'Failover (proxy-failover.yml)', label: 'Plan: the switch; #1', start: 1_000_510, end: 1_000_530, tone: 'success' },
      { group: 'Failover (proxy-failover.yml)', label: 'Verify <clients> & more', start: 1_001_000, end: 1_002_000, tone: 'failure' },
      { group: 'Clients', label: 'producer abcde on west', start: 1_001_200, end: 1_004_000, tone: 'west', readyAt: 1_001_400 },
    ],
  };

  it('Mermaid: a gantt with epoch-ms dates, milestones for marks, safe task names', () => {
    expect(ganttLabel('Title: a; b # c')).toBe('- Title a b c');
    expect(ganttLabel('outage: north unreachable')).toBe('outage north unreachable');
    const text = mermaidGantt(timeline, 'DR drill: x');
    const lines = text.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      '```mermaid',
      'gantt',
      '    title DR drill x',
      '    dateFormat x',
      '    axisFormat %H:%M:%S',
      '    todayMarker off',
      '    section Drill',
    ]);
    expect(lines).toContain('    outage north unreachable :milestone, m0, 1000500, 1000500');
    expect(lines).toContain('    section Failover (proxy-failover.yml)');
    expect(lines).toContain('    Plan the switch 1 :done, b2, 1000510, 1000530');
    expect(lines).toContain('    Verify <clients> & more :crit, b3, 1001000, 1002000');
    expect(lines).toContain('    producer abcde on west :active, b4, 1001200, 1004000');
    expect(lines.at(-1)).toBe('```');
    // Every task line has exactly one ':' (the name/metadata separator).
    for (const line of lines.filter((l) => /, \d+, \d+$/.test(l))) expect(line.split(':')).toHaveLength(2);
  });

  it('SVG: bars on a seconds axis, escaped text, numbered marks with a legend', () => {
    expect(xmlEscape('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
    expect(tickStep(4)).toBe(0.5);
    expect(tickStep(100)).toBe(10);
    const svg = timelineSvg(timeline, 'DR drill <x>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('DR drill &lt;x&gt;');
    expect(svg).toContain('Verify &lt;clients&gt; &amp; more');
    expect(svg).not.toMatch(/<clients>/);
    expect(svg).toContain('1. outage: north unreachable (+0.50 s)');
    expect(svg).toContain('2. failover starts (+0.51 s)');
    // The failed step is red and starts 1 s into a 4 s axis over 850 px from x=330.
    expect(svg).toMatch(/<rect x="542\.5" y="\d+" width="212\.5" height="12" fill="#cf222e">/);
    // The pod is lighter before it is ready.
    expect(svg).toMatch(/fill="#8250df" opacity="0\.35"/);
    // Balanced elements (a cheap well-formedness check).
    for (const tag of ['text', 'rect', 'circle', 'title'])
      expect((svg.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe((svg.match(new RegExp(`</${tag}>|<${tag}[^>]*/>`, 'g')) ?? []).length);
  });

  it('terminal tables are aligned', () => {
    expect(textTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n---  --\nxxx  y');
  });
});
