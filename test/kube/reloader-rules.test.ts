import { describe, expect, it } from '@jest/globals';
import { compileGoRegex, parseGoBool } from '../../src/core/kube/go.js';
import {
  LAST_RELOADED_FROM,
  configMapHash,
  containerUsingResource,
  convertToEnvVarName,
  envVarName,
  generateSha,
  reloadDecision,
  reloadMarker,
  secretHash,
  shouldReload,
  type PodSpecLike,
  type ReloadResource,
} from '../../src/core/kube/reloader.js';
import { reloaderWorkload } from './reloader-workload.js';

/**
 * The prediction rules both actions use. Expected hashes are literals: Reloader v1.4.21's own test
 * vectors (internal/pkg/crypto/sha_test.go), and the SHA-1 of Reloader's `key=value` entries, sorted
 * byte-wise and joined by `;`, computed outside this code (e.g. `printf 'a.b=2;a=1' | sha1sum`).
 */

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('Reloader hash (util.go GetSHAfromConfigmap / GetSHAfromSecret)', () => {
  it("is Reloader's GenerateSHA: its own vectors for 'www.stakater.com' and for empty input", () => {
    expect(generateSha('www.stakater.com')).toBe('abd4ed82fb04548388a6cf3c339fd9dc84d275df');
    expect(generateSha('')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('hashes data, data with dotted keys and binaryData as sha1sum does over the joined entries, and no data as the empty hash', () => {
    expect(configMapHash({ data: { 'bootstrap.servers': 'kafka-dr-0:9092,kafka-dr-1:9092', 'security.protocol': 'SSL' } })).toBe(
      '5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5',
    );
    expect(configMapHash({ data: { a: '1', 'a.b': '2' } })).toBe('499daa6d70eb53ada0bb7346397120ffefcda5c3');
    expect(configMapHash({ data: { k: 'v' }, binaryData: { bin: Buffer.from([0x00, 0xff]).toString('base64') } })).toBe(
      'a52965cb888b938803e268dc84570cc376106ab0',
    );
    expect(configMapHash({})).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(secretHash({ data: {} })).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
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
    ['www.stakater.com', 'WWW_STAKATER_COM'],
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
  it('compileGoRegex rejects what RE2 rejects', () => {
    expect(() => compileGoRegex('(?=x)')).toThrow();
    expect(() => compileGoRegex('(a)\\1')).toThrow();
    expect(() => compileGoRegex('a{1001}')).toThrow('invalid repeat count');
    expect(() => compileGoRegex('x**')).toThrow('invalid nested repetition operator');
    expect(compileGoRegex('^[[:alnum:]]+$').test('abc123')).toBe(true);
    expect(compileGoRegex('^\\pL+$').test('ñandú')).toBe(true);
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
  it('an invalid pattern reached before a match is a Reloader crash (v1.4.21 compiles each item with regexp.MustCompile)', () => {
    const r = shouldReload(cm('good'), 'Deployment', { 'configmap.reloader.stakater.com/reload': '(?=bad), good' }, {});
    expect(r).toMatchObject({ shouldReload: false, reason: 'reloader-crash' });
    expect(r.crash).toContain('regexp.MustCompile panics on "(?=bad)"');
    expect(r.errors).toEqual([r.crash]);
    // Items after the first match are never compiled.
    expect(shouldReload(cm('good'), 'Deployment', { 'configmap.reloader.stakater.com/reload': 'good, a{1001}' }, {})).toMatchObject({
      shouldReload: true,
      match: 'named',
      errors: [],
    });
    // The crash happens for any object: the list is compiled whatever it names.
    expect(shouldReload(cm('other'), 'Deployment', { 'configmap.reloader.stakater.com/reload': 'a{1001}' }, {}).crash).toContain('invalid repeat count');
  });
  it('reload patterns are Go RE2: POSIX and Unicode classes match, what Go rejects is rejected', () => {
    const named = (pattern: string, name: string) => shouldReload(cm(name), 'Deployment', { 'configmap.reloader.stakater.com/reload': pattern }, {});
    expect(named('kafka-[[:alnum:]]+', 'kafka-config1').shouldReload).toBe(true);
    expect(named('kafka-[[:alnum:]]+', 'kafka-').shouldReload).toBe(false);
    expect(named('cfg-\\pL+', 'cfg-north').shouldReload).toBe(true);
    expect(named('cfg-\\pL+', 'cfg-1').shouldReload).toBe(false);
    // `^a|b$` is (^a)|(b$) in Go too: an alternation is not anchored as a whole.
    expect(named('kafka|other', 'kafka-config').shouldReload).toBe(true);
    expect(named('a{1001}', 'x').crash).toBeDefined();
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

describe('the decision for one workload, and how a rolled template shows it', () => {
  const resource: ReloadResource = { type: 'CONFIGMAP', name: 'kafka', namespace: 'apps', hash: '5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5' };

  it('NoContainerFound for auto without a reference; other namespaces are never selected', () => {
    expect(reloadDecision(resource, reloaderWorkload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true' }, [], false)).result).toBe(
      'NoContainerFound',
    );
    expect(reloadDecision(resource, reloaderWorkload('Deployment', 'p', 'elsewhere', { 'reloader.stakater.com/auto': 'true' })).result).toBe('NotSelected');
  });

  it('recognises a template reloaded by either strategy for this exact hash', () => {
    const envTemplate = { spec: { containers: [{ name: 'app', env: [{ name: 'STAKATER_KAFKA_CONFIGMAP', value: resource.hash }] }] } };
    expect(reloadMarker(envTemplate, resource)).toEqual({ strategy: 'env-vars', container: 'app' });
    expect(reloadMarker(envTemplate, { ...resource, hash: 'other' })).toBeUndefined();
    // What Reloader's annotations strategy writes (fields in its order).
    const source =
      '{"type":"CONFIGMAP","name":"kafka","namespace":"apps","hash":"5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5","containerRefs":["app"],"observedAt":1}';
    expect(reloadMarker({ metadata: { annotations: { [LAST_RELOADED_FROM]: source } }, spec: { containers: [] } }, resource)).toEqual({
      strategy: 'annotations',
      container: 'app',
    });
    expect(reloadMarker({ metadata: { annotations: { [LAST_RELOADED_FROM]: source } } }, { ...resource, type: 'SECRET' })).toBeUndefined();
  });
});
