import { describe, expect, it } from '@jest/globals';
import { compileGoRegex, parseGoBool, parseGoDuration } from '../../src/core/kube/go.js';
import {
  EMPTY_HASH,
  LAST_RELOADED_FROM,
  configMapHash,
  containerUsingResource,
  convertToEnvVarName,
  envVarName,
  formatReloadSource,
  parseReloadSource,
  pausePatch,
  planReload,
  reloadMarker,
  reloadedMessage,
  resumePatch,
  secretHash,
  shouldReload,
  workloadsToReload,
  type PodSpecLike,
  type ReloadResource,
  type WorkloadLike,
} from '../../src/core/kube/reloader.js';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('Reloader hash (util.go GetSHAfromConfigmap / GetSHAfromSecret)', () => {
  it('matches the three vectors of reference §1.3 and the empty hash', () => {
    expect(configMapHash({ data: { 'bootstrap.servers': 'kafka-dr-0:9092,kafka-dr-1:9092', 'security.protocol': 'SSL' } })).toBe(
      '5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5',
    );
    expect(configMapHash({ data: { a: '1', 'a.b': '2' } })).toBe('499daa6d70eb53ada0bb7346397120ffefcda5c3');
    expect(configMapHash({ data: { k: 'v' }, binaryData: { bin: Buffer.from([0x00, 0xff]).toString('base64') } })).toBe(
      'a52965cb888b938803e268dc84570cc376106ab0',
    );
    expect(configMapHash({})).toBe(EMPTY_HASH);
    expect(secretHash({ data: {} })).toBe(EMPTY_HASH);
  });

  it('hashes Secret values as decoded raw bytes (not base64 text), even when not UTF-8', () => {
    expect(secretHash({ data: { 'bootstrap.servers': b64('kafka-dr-0:9092,kafka-dr-1:9092'), 'security.protocol': b64('SSL') } })).toBe(
      '5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5',
    );
    expect(secretHash({ data: { b: b64(Buffer.from([0xff])) } })).toBe('b3332813cdabc6d753fbe861de7a1608cc21f0b8');
  });

  it("sorts whole key=value entries byte-wise like Go's sort.Strings, not by UTF-16 units", () => {
    // U+FF21 sorts before U+1F600 in UTF-8 bytes but after it in UTF-16 code units.
    expect(configMapHash({ data: { '\u{1F600}': '2', '\uFF21': '1' } })).toBe('6252d31bf742c6e8cce4326490bf5bef61837906');
  });
});

describe('env var names (ConvertToEnvVarName)', () => {
  it.each([
    ['kafka-conn.v2', 'KAFKA_CONN_V2'],
    ['kafka-proxy-config', 'KAFKA_PROXY_CONFIG'],
    ['-lead', 'LEAD'],
    ['trail-', 'TRAIL_'],
    ['a..b', 'A_B'],
    ['x9', 'X9'],
  ])('%s -> %s', (input, out) => {
    expect(convertToEnvVarName(input)).toBe(out);
  });
  it('builds STAKATER_<NAME>_CONFIGMAP and _SECRET', () => {
    expect(envVarName('kafka-conn.v2', 'CONFIGMAP')).toBe('STAKATER_KAFKA_CONN_V2_CONFIGMAP');
    expect(envVarName('api-key', 'SECRET')).toBe('STAKATER_API_KEY_SECRET');
  });
});

describe('Go parsers', () => {
  it('parseGoBool accepts exactly strconv.ParseBool spellings', () => {
    for (const t of ['1', 't', 'T', 'true', 'TRUE', 'True']) expect(parseGoBool(t)).toBe(true);
    for (const f of ['0', 'f', 'F', 'false', 'FALSE', 'False']) expect(parseGoBool(f)).toBe(false);
    for (const x of ['yes', 'tRUE', ' true', '']) expect(parseGoBool(x)).toBeUndefined();
  });
  it('parseGoDuration follows time.ParseDuration', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('10')).toBeUndefined();
    expect(parseGoDuration('5 m')).toBeUndefined();
    expect(parseGoDuration('')).toBeUndefined();
  });
  it('compileGoRegex rejects what RE2 rejects', () => {
    expect(() => compileGoRegex('(?=x)')).toThrow();
    expect(() => compileGoRegex('(a)\\1')).toThrow();
    expect(compileGoRegex('^(?i)KAFKA$').test('kafka')).toBe(true);
    expect(compileGoRegex('(?P<n>a)').test('a')).toBe(true);
  });
});

const cm = (name: string, annotations: Record<string, string> = {}): Pick<ReloadResource, 'type' | 'name' | 'annotations'> => ({
  type: 'CONFIGMAP',
  name,
  annotations,
});
const secret = (name: string, annotations: Record<string, string> = {}): Pick<ReloadResource, 'type' | 'name' | 'annotations'> => ({
  type: 'SECRET',
  name,
  annotations,
});

describe('ShouldReload', () => {
  const cases: Array<
    [string, Pick<ReloadResource, 'type' | 'name' | 'annotations'>, Record<string, string>, Record<string, string>, boolean, string | undefined]
  > = [
    ['auto true', cm('c'), { 'reloader.stakater.com/auto': 'true' }, {}, true, 'auto'],
    ['auto parses like ParseBool ("1")', cm('c'), { 'reloader.stakater.com/auto': '1' }, {}, true, 'auto'],
    ['auto "yes" is not true', cm('c'), { 'reloader.stakater.com/auto': 'yes' }, {}, false, undefined],
    ['explicit auto false opts out', cm('c'), { 'reloader.stakater.com/auto': 'false' }, {}, false, undefined],
    ['typed auto for ConfigMaps', cm('c'), { 'configmap.reloader.stakater.com/auto': 'true' }, {}, true, 'auto'],
    ['typed ConfigMap auto ignores Secrets', secret('s'), { 'configmap.reloader.stakater.com/auto': 'true' }, {}, false, undefined],
    ['typed Secret auto', secret('s'), { 'secret.reloader.stakater.com/auto': 'true' }, {}, true, 'auto'],
    ['named list, trimmed', cm('kafka-proxy-config'), { 'configmap.reloader.stakater.com/reload': 'other, kafka-proxy-config' }, {}, true, 'named'],
    ['named list is an anchored regex', cm('kafka-proxy-config'), { 'configmap.reloader.stakater.com/reload': 'kafka' }, {}, false, undefined],
    ['named regex pattern', cm('kafka-proxy-config'), { 'configmap.reloader.stakater.com/reload': 'kafka-.*' }, {}, true, 'named'],
    ['a dot matches any character', cm('kafkaXconf'), { 'configmap.reloader.stakater.com/reload': 'kafka.conf' }, {}, true, 'named'],
    ['secret list does not apply to ConfigMaps', cm('x'), { 'secret.reloader.stakater.com/reload': 'x' }, {}, false, undefined],
    ['search needs match on the resource', cm('c'), { 'reloader.stakater.com/search': 'true' }, {}, false, undefined],
    ['search with match', cm('c', { 'reloader.stakater.com/match': 'true' }), { 'reloader.stakater.com/search': 'true' }, {}, true, 'search'],
    ['search must be exactly "true"', cm('c', { 'reloader.stakater.com/match': 'true' }), { 'reloader.stakater.com/search': 'True' }, {}, false, undefined],
    ['ignore on the resource wins', cm('c', { 'reloader.stakater.com/ignore': 'true' }), { 'reloader.stakater.com/auto': 'true' }, {}, false, undefined],
    [
      'exclude list (plural prefix) on the workload',
      cm('c'),
      { 'reloader.stakater.com/auto': 'true', 'configmaps.exclude.reloader.stakater.com/reload': 'a, c' },
      {},
      false,
      undefined,
    ],
    ['pod template annotations when the workload has none of the keys', cm('c'), {}, { 'reloader.stakater.com/auto': 'true' }, true, 'auto'],
    [
      'workload keys hide the pod template ones',
      cm('c'),
      { 'reloader.stakater.com/search': 'false' },
      { 'reloader.stakater.com/auto': 'true' },
      false,
      undefined,
    ],
    [
      'excludes are not read from the pod template',
      cm('c'),
      {},
      { 'reloader.stakater.com/auto': 'true', 'configmaps.exclude.reloader.stakater.com/reload': 'c' },
      true,
      'auto',
    ],
    ['nothing annotated', cm('c'), {}, {}, false, undefined],
  ];
  it.each(cases)('%s', (_name, resource, meta, pod, reload, match) => {
    const r = shouldReload(resource, 'Deployment', meta, pod);
    expect(r.shouldReload).toBe(reload);
    expect(r.match).toBe(match);
    expect(r.autoReload).toBe(match === 'auto' || match === 'search');
  });
  it('skips an invalid regex item, reporting it, and still matches the others', () => {
    const r = shouldReload(cm('good'), 'Deployment', { 'configmap.reloader.stakater.com/reload': '(?=bad), good' }, {});
    expect(r.shouldReload).toBe(true);
    expect(r.errors).toHaveLength(1);
  });
  it('auto-reload-all reloads workloads without auto annotations, but not an explicit auto false', () => {
    expect(shouldReload(cm('c'), 'Deployment', {}, {}, { autoReloadAll: true }).shouldReload).toBe(true);
    expect(shouldReload(cm('c'), 'Deployment', { 'reloader.stakater.com/auto': 'false' }, {}, { autoReloadAll: true }).shouldReload).toBe(false);
  });
  it('renamed keys are honoured', () => {
    expect(shouldReload(cm('c'), 'Deployment', { 'my/auto': 'true' }, {}, { keys: { auto: 'my/auto' } }).shouldReload).toBe(true);
  });
});

describe('container lookup (getContainerUsingResource)', () => {
  const spec: PodSpecLike = {
    containers: [
      { name: 'first', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds' } } }] },
      { name: 'mounter', volumeMounts: [{ name: 'cfg' }] },
    ],
    initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'init-only' } }] }],
    volumes: [
      { name: 'cfg', configMap: { name: 'kafka' } },
      { name: 'proj', projected: { sources: [{ secret: { name: 'projected' } }] } },
    ],
  };
  it('finds the container mounting the volume, then env references, init containers land in containers[0]', () => {
    expect(containerUsingResource(spec, { type: 'CONFIGMAP', name: 'kafka' }, true)?.name).toBe('mounter');
    expect(containerUsingResource(spec, { type: 'SECRET', name: 'creds' }, true)?.name).toBe('first');
    expect(containerUsingResource(spec, { type: 'CONFIGMAP', name: 'init-only' }, true)?.name).toBe('first');
  });
  it('auto finds nothing for an unreferenced resource; a named reload falls back to containers[0]', () => {
    expect(containerUsingResource(spec, { type: 'CONFIGMAP', name: 'unused' }, true)).toBeUndefined();
    expect(containerUsingResource(spec, { type: 'CONFIGMAP', name: 'unused' }, false)?.name).toBe('first');
    // A projected volume that no container mounts is not a reference.
    expect(containerUsingResource(spec, { type: 'SECRET', name: 'projected' }, true)).toBeUndefined();
  });
});

function workload(
  kind: string,
  name: string,
  ns: string,
  meta: Record<string, string>,
  env: Array<{ name: string; value: string }> = [],
  refs = true,
): WorkloadLike {
  return {
    kind,
    metadata: { name, namespace: ns, annotations: meta },
    spec: {
      template: {
        metadata: {},
        spec: {
          containers: [{ name: 'app', env: [...env, ...(refs ? [{ name: 'B', valueFrom: { configMapKeyRef: { name: 'kafka' } } }] : [])] }],
        },
      },
    },
  };
}

describe('planReload and the patches', () => {
  const resource: ReloadResource = { type: 'CONFIGMAP', name: 'kafka', namespace: 'apps', hash: '5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5' };

  it('env-vars: the exact strategic merge patch, and NotUpdated when the variable already holds the hash', () => {
    const plan = planReload(resource, workload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true' }));
    expect(plan.result).toBe('Updated');
    expect(JSON.stringify(plan.patch)).toBe(
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"STAKATER_KAFKA_CONFIGMAP","value":"5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5"}]}]}}}}',
    );
    const again = planReload(
      resource,
      workload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true' }, [{ name: 'STAKATER_KAFKA_CONFIGMAP', value: resource.hash }]),
    );
    expect(again.result).toBe('NotUpdated');
    expect(again.patch).toBeUndefined();
  });

  it('annotations: last-reloaded-from JSON with fields in Reloader order, always Updated', () => {
    const plan = planReload(
      resource,
      workload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true' }),
      { strategy: 'annotations' },
      1_700_000_000_999,
    );
    const value = (plan.patch as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template.metadata.annotations[
      LAST_RELOADED_FROM
    ];
    expect(value).toBe(
      '{"type":"CONFIGMAP","name":"kafka","namespace":"apps","hash":"5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5","containerRefs":["app"],"observedAt":1700000000}',
    );
    expect(parseReloadSource(value)).toEqual({
      type: 'CONFIGMAP',
      name: 'kafka',
      namespace: 'apps',
      hash: resource.hash,
      containerRefs: ['app'],
      observedAt: 1700000000,
    });
    expect(formatReloadSource({ observedAt: 1, containerRefs: ['c'], hash: 'h', namespace: 'n', name: 'm', type: 'SECRET' })).toBe(
      '{"type":"SECRET","name":"m","namespace":"n","hash":"h","containerRefs":["c"],"observedAt":1}',
    );
  });

  it('NoContainerFound for auto without a reference; other namespaces are never selected', () => {
    expect(planReload(resource, workload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true' }, [], false)).result).toBe('NoContainerFound');
    expect(planReload(resource, workload('Deployment', 'p', 'elsewhere', { 'reloader.stakater.com/auto': 'true' })).result).toBe('NotSelected');
  });

  it('reports a Deployment pause-period, valid or not', () => {
    expect(
      planReload(resource, workload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true', 'deployment.reloader.stakater.com/pause-period': '5m' }))
        .pausePeriodMs,
    ).toBe(300_000);
    expect(
      planReload(
        resource,
        workload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true', 'deployment.reloader.stakater.com/pause-period': 'soon' }),
      ).invalidPausePeriod,
    ).toBe('soon');
    expect(
      planReload(
        resource,
        workload('StatefulSet', 's', 'apps', { 'reloader.stakater.com/auto': 'true', 'deployment.reloader.stakater.com/pause-period': '5m' }),
      ).pausePeriodMs,
    ).toBeUndefined();
    expect(pausePatch(Date.UTC(2026, 0, 2, 3, 4, 5, 600))).toEqual({
      metadata: { annotations: { 'deployment.reloader.stakater.com/paused-at': '2026-01-02T03:04:05Z' } },
      spec: { paused: true },
    });
    expect(resumePatch()).toEqual({ metadata: { annotations: { 'deployment.reloader.stakater.com/paused-at': null } }, spec: { paused: false } });
  });

  it('lists the workloads to reload in Reloader kind order', () => {
    const list = workloadsToReload(resource, [
      workload('StatefulSet', 's', 'apps', { 'reloader.stakater.com/auto': 'true' }),
      workload('Deployment', 'quiet', 'apps', {}),
      workload('DaemonSet', 'ds', 'apps', { 'configmap.reloader.stakater.com/reload': 'kafka' }),
      workload('Deployment', 'd', 'apps', { 'reloader.stakater.com/auto': 'true' }),
    ]);
    expect(list.map((p) => `${p.kind}/${p.name}`)).toEqual(['Deployment/d', 'DaemonSet/ds', 'StatefulSet/s']);
  });

  it('recognises a template reloaded by either strategy for this exact hash', () => {
    const envTemplate = { spec: { containers: [{ name: 'app', env: [{ name: 'STAKATER_KAFKA_CONFIGMAP', value: resource.hash }] }] } };
    expect(reloadMarker(envTemplate, resource)).toEqual({ strategy: 'env-vars', container: 'app' });
    expect(reloadMarker(envTemplate, { ...resource, hash: 'other' })).toBeUndefined();
    const source = formatReloadSource({ type: 'CONFIGMAP', name: 'kafka', namespace: 'apps', hash: resource.hash, containerRefs: ['app'], observedAt: 1 });
    expect(reloadMarker({ metadata: { annotations: { [LAST_RELOADED_FROM]: source } }, spec: { containers: [] } }, resource)).toEqual({
      strategy: 'annotations',
      container: 'app',
    });
    expect(reloadMarker({ metadata: { annotations: { [LAST_RELOADED_FROM]: source } } }, { ...resource, type: 'SECRET' })).toBeUndefined();
  });

  it('formats the Reloaded event message as Reloader does', () => {
    expect(reloadedMessage(resource, 'Deployment', 'producer')).toBe(
      "Changes detected in 'kafka' of type 'CONFIGMAP' in namespace 'apps', Updated 'producer' of type 'Deployment' in namespace 'apps'",
    );
  });
});
