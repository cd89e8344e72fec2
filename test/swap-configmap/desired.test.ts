import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { desiredFromInputs, desiredFromManifests } from '../../src/actions/swap-configmap/desired.js';
import { dataChanges } from '../../src/actions/swap-configmap/diff.js';
import { fill, isSecretName } from '../../src/actions/swap-configmap/placeholders.js';
import { ActionError, InputError } from '../../src/core/errors.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const file = (name: string) => ({ path: `k8s/${name}`, text: readFileSync(join(fixtures, name), 'utf8') });
const WEST = { CCLOUD_URL: 'west.kafka.local:9092', CCLOUD_APIKEY: 'WKAPIKEY12345678', CCLOUD_PASSWD: 'w3st-p@ss: #"quoted"' };

function errorOf(fn: () => unknown): ActionError {
  try {
    fn();
  } catch (err) {
    return err as ActionError;
  }
  throw new Error('expected an error');
}

describe('placeholders', () => {
  it('fills ${VAR}, keeps $${VAR} literal, and marks values of secret-looking variables', () => {
    const r = fill('a=${CCLOUD_URL} b=${CCLOUD_PASSWD} c=$${CCLOUD_URL}', WEST, 'x');
    expect(r.value).toBe(`a=west.kafka.local:9092 b=${WEST.CCLOUD_PASSWD} c=\${CCLOUD_URL}`);
    expect(r.secrets).toEqual([WEST.CCLOUD_PASSWD]);
    expect(r.used).toEqual(['CCLOUD_URL', 'CCLOUD_PASSWD']);
    expect(r.unresolved).toEqual([]);
  });

  it.each([
    ['CCLOUD_APIKEY', true],
    ['CCLOUD_PASSWD', true],
    ['DB_PASSWORD', true],
    ['GITHUB_TOKEN', true],
    ['API_SECRET', true],
    ['SASL_JAAS_CONFIG', true],
    ['CCLOUD_URL', false],
    ['TOPIC', false],
    ['CCLOUD_CLUSTERID', false],
  ])('%s looks secret: %p', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  it('treats the variables listed in secret-vars as secret whatever they are called', () => {
    const env = { CCLOUD_PW: 'pw-value', SAS: 'sas-value', CCLOUD_URL: 'west:9092' };
    const r = fill('p=${CCLOUD_PW};k=${SAS};u=${CCLOUD_URL}', env, 'x', new Set(['CCLOUD_PW', 'SAS']));
    expect(r.secrets).toEqual(['pw-value', 'sas-value']);
    expect(r.secretVars).toEqual(['CCLOUD_PW', 'SAS']);
    expect(fill('p=${CCLOUD_PW}', env, 'x').secrets).toEqual([]);
  });

  it('reports unset, empty and invalid placeholders without values', () => {
    const r = fill('${MISSING} ${EMPTY} ${1BAD}', { EMPTY: '' }, 'data key x');
    expect(r.unresolved.map((u) => [u.placeholder, u.problem])).toEqual([
      ['${MISSING}', 'unset'],
      ['${EMPTY}', 'empty'],
      ['${1BAD}', 'invalid name'],
    ]);
  });
});

describe('desiredFromManifests', () => {
  it('builds the proxy ConfigMap, substituting inside parsed values so YAML-special characters stay data', () => {
    const [cm] = desiredFromManifests([file('kafka-proxy-configmap.yaml')], WEST);
    expect(cm).toMatchObject({ kind: 'ConfigMap', namespace: 'clients', name: 'kafka-proxy-config', mode: 'replace' });
    expect(cm.data).toEqual({
      BOOTSTRAP_SERVER_MAPPING: 'west.kafka.local:9092,0.0.0.0:32400',
      SASL_USERNAME: WEST.CCLOUD_APIKEY,
      SASL_PASSWORD: WEST.CCLOUD_PASSWD,
      TLS_ENABLE: 'true',
    });
    expect(cm.annotations).toEqual({ 'reloader.stakater.com/match': 'true' });
    expect(cm.secretValues.sort()).toEqual([WEST.CCLOUD_APIKEY, WEST.CCLOUD_PASSWD].sort());
  });

  it('reads multi-document files and applies the namespace override', () => {
    const objects = desiredFromManifests([file('java-cloud-producer-noproxy-configmap.yaml')], WEST, 'dr-test');
    expect(objects.map((o) => `${o.namespace}/${o.name}`)).toEqual([
      'dr-test/java-cloud-producer-noproxy-config',
      'dr-test/java-cloud-consumer-noproxy-config',
    ]);
    expect(objects[0].data['config.properties']).toContain(`password='${WEST.CCLOUD_PASSWD}';`);
    expect(objects[0].data['config.properties']).toContain('bootstrap.servers=west.kafka.local:9092\n');
  });

  it("turns a Secret's stringData into base64 data and treats every value as secret", () => {
    const [secret] = desiredFromManifests([file('ccloud-api-key-secret.yaml')], WEST);
    expect(secret.kind).toBe('Secret');
    expect(Buffer.from(secret.data.password!, 'base64').toString()).toBe(WEST.CCLOUD_PASSWD);
    expect(secret.secretValues).toEqual(expect.arrayContaining([WEST.CCLOUD_APIKEY, WEST.CCLOUD_PASSWD, Buffer.from(WEST.CCLOUD_PASSWD).toString('base64')]));
    expect(secret.secretType).toBe('Opaque');
  });

  it('lists every unresolved placeholder with file and key, never a value, and says nothing was written', () => {
    const err = errorOf(() =>
      desiredFromManifests([file('kafka-proxy-configmap.yaml'), file('java-cloud-producer-noproxy-configmap.yaml')], {
        CCLOUD_URL: 'x:9092',
        CCLOUD_APIKEY: 'KEYVALUE',
      }),
    );
    const text = err.describe();
    expect(text).toContain("${CCLOUD_PASSWD} in k8s/kafka-proxy-configmap.yaml data key 'SASL_PASSWORD' is not set");
    expect(text).toContain("k8s/java-cloud-producer-noproxy-configmap.yaml (document 2) data key 'config.properties'");
    expect(text).toContain('nothing was written');
    expect(text).not.toContain('KEYVALUE');
  });

  it('refuses YAML that is not a ConfigMap or Secret, non-text values, missing namespaces and duplicates', () => {
    expect(errorOf(() => desiredFromManifests([file('not-a-configmap.yaml')], {})).describe()).toContain(
      'k8s/not-a-configmap.yaml is a Deployment, not a ConfigMap or Secret',
    );
    const bad = { path: 'bad.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  port: 9092\n' };
    const text = errorOf(() => desiredFromManifests([bad], {})).describe();
    expect(text).toContain("bad.yaml data key 'port' is a number; values must be text");
    expect(text).toContain('bad.yaml has no metadata.namespace');
    const twice = errorOf(() => desiredFromManifests([file('kafka-proxy-configmap.yaml'), file('kafka-proxy-configmap.yaml')], WEST)).describe();
    expect(twice).toContain('ConfigMap/clients/kafka-proxy-config is given twice');
    expect(errorOf(() => desiredFromManifests([{ path: 'broken.yaml', text: 'a: [1' }], {})).describe()).toContain('broken.yaml is not valid YAML');
  });

  it('masks each secret value the moment it is substituted, before validation, and never quotes it in an error', () => {
    const masked: string[] = [];
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: "${CCLOUD_PASSWD}", namespace: "${CCLOUD_APIKEY}"}',
      'data:',
      '  SASL_PASS: "${CCLOUD_PW}"',
      '  port: 9092',
    ].join('\n');
    const env = { ...WEST, CCLOUD_PW: 'listed-secret-pw' };
    const err = errorOf(() => desiredFromManifests([{ path: 'm.yaml', text }], env, undefined, { mask: (v) => masked.push(v), secretVars: ['CCLOUD_PW'] }));
    expect(masked).toEqual([WEST.CCLOUD_PASSWD, WEST.CCLOUD_APIKEY, 'listed-secret-pw']);
    const message = err.describe();
    expect(message).toContain('m.yaml metadata.name is filled from ${CCLOUD_PASSWD}, which holds a secret');
    expect(message).toContain('m.yaml metadata.namespace is filled from ${CCLOUD_APIKEY}, which holds a secret');
    expect(message).toContain("m.yaml data key 'port' is a number");
    for (const secret of [WEST.CCLOUD_PASSWD, WEST.CCLOUD_APIKEY, 'listed-secret-pw']) expect(message).not.toContain(secret);
  });

  it('a value embedding a secret-vars variable is secret too (masked by value, redacted as a whole in the diff)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eh, namespace: n}\ndata:\n  EVENTHUB: "Endpoint=sb://x/;SharedAccessKey=${SAS}"\n';
    const masked: string[] = [];
    const [d] = desiredFromManifests([{ path: 'eh.yaml', text }], { SAS: 'sas-key-value' }, undefined, { mask: (v) => masked.push(v), secretVars: ['SAS'] });
    expect(masked).toEqual(['sas-key-value']);
    expect(d.secretValues).toEqual(['sas-key-value']);
    const [change] = dataChanges(
      { EVENTHUB: 'Endpoint=sb://x/;SharedAccessKey=old-sas' },
      { EVENTHUB: d.data.EVENTHUB! },
      { secretKind: false, secrets: d.secretValues },
    );
    expect(change.lines).toEqual(['(redacted: 40 bytes → 46 bytes)']);
  });

  it('refuses a Secret data value that is not base64', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: n}\ndata:\n  k: "${CCLOUD_PASSWD}"\n';
    expect(errorOf(() => desiredFromManifests([{ path: 's.yaml', text }], WEST)).describe()).toContain("s.yaml data key 'k' is not base64");
  });
});

describe('desiredFromInputs', () => {
  it('merges the given keys, converts scalars to text, removes null keys, fills placeholders', () => {
    const d = desiredFromInputs(
      {
        kind: 'ConfigMap',
        name: 'kafka-proxy-config',
        namespace: 'clients',
        data: 'BOOTSTRAP_SERVER_MAPPING: ${CCLOUD_URL},0.0.0.0:32400\nRETRIES: 3\nOLD_KEY: null',
      },
      WEST,
    );
    expect(d).toMatchObject({ mode: 'merge', data: { BOOTSTRAP_SERVER_MAPPING: 'west.kafka.local:9092,0.0.0.0:32400', RETRIES: '3', OLD_KEY: null } });
  });

  it('base64-encodes Secret values and masks them all', () => {
    const d = desiredFromInputs({ kind: 'Secret', name: 'ccloud-api-key', namespace: 'clients', data: 'username: plainuser' }, {});
    expect(d.data.username).toBe(Buffer.from('plainuser').toString('base64'));
    expect(d.secretValues).toEqual(['plainuser', Buffer.from('plainuser').toString('base64')]);
  });

  it('explains bad data', () => {
    expect(errorOf(() => desiredFromInputs({ kind: 'ConfigMap', name: 'x', namespace: 'n', data: '- a\n- b' }, {})).describe()).toContain(
      "input 'data' is not a YAML mapping",
    );
    expect(errorOf(() => desiredFromInputs({ kind: 'ConfigMap', name: 'x', namespace: 'n', data: 'a: ${NOPE}' }, {})).describe()).toContain(
      "${NOPE} in input 'data', key 'a' is not set",
    );
  });
});

describe('errors: an input problem names the input', () => {
  it.each([
    [{ kind: 'ConfigMap' as const, name: 'Kafka_Config', namespace: 'clients', data: 'a: b' }, 'name'],
    [{ kind: 'ConfigMap' as const, name: 'kafka', namespace: 'Clients!', data: 'a: b' }, 'namespace'],
    [{ kind: 'ConfigMap' as const, name: 'kafka', namespace: 'clients', data: 'a: [1' }, 'data'],
    [{ kind: 'ConfigMap' as const, name: 'kafka', namespace: 'clients', data: '- a' }, 'data'],
    [{ kind: 'ConfigMap' as const, name: 'kafka', namespace: 'clients', data: 'bad key: ${NOPE}' }, 'data'],
  ])('desiredFromInputs %p: InputError for input %s', (input, name) => {
    const err = errorOf(() => desiredFromInputs(input, {}));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).input).toBe(name);
    expect(err.describe()).toMatch(new RegExp(`^input '${name}' `));
  });

  it("a bad 'namespace' input is an InputError; a bad manifest is the manifest's problem, not an input's", () => {
    const ns = errorOf(() => desiredFromManifests([file('kafka-proxy-configmap.yaml')], WEST, 'Not_A_Namespace'));
    expect(ns).toBeInstanceOf(InputError);
    expect((ns as InputError).input).toBe('namespace');
    const manifest = errorOf(() => desiredFromManifests([file('not-a-configmap.yaml')], {}));
    expect(manifest).toBeInstanceOf(ActionError);
    expect(manifest).not.toBeInstanceOf(InputError);
    expect(manifest.where).toBe("input 'manifests'");
  });
});

describe('dataChanges (summary redaction)', () => {
  const north = "bootstrap.servers=north:9092\nsasl.jaas.config=... username='NKOLDKEY' password='north-pass';\nacks=all\n";
  const west = "bootstrap.servers=west:9092\nsasl.jaas.config=... username='WKNEWKEY' password='west-pass';\nacks=all\n";

  it('shows non-secret lines and redacts secret-bearing lines, old and new', () => {
    const [change] = dataChanges({ 'config.properties': north }, { 'config.properties': west }, { secretKind: false, secrets: ['WKNEWKEY', 'west-pass'] });
    expect(change.lines).toEqual(['- bootstrap.servers=north:9092', '- sasl.jaas.config=***', '+ bootstrap.servers=west:9092', '+ sasl.jaas.config=***']);
  });

  it('redacts a whole single-line value when the new one carries a secret (its old value is the old secret)', () => {
    const changes = dataChanges(
      { SASL_USERNAME: 'NKOLDKEY', BOOTSTRAP: 'north:9092' },
      { SASL_USERNAME: 'WKNEWKEY', BOOTSTRAP: 'west:9092' },
      { secretKind: false, secrets: ['WKNEWKEY'] },
    );
    expect(changes).toEqual([
      { key: 'BOOTSTRAP', change: 'modified', lines: ['- north:9092', '+ west:9092'] },
      { key: 'SASL_USERNAME', change: 'modified', lines: ['(redacted: 8 bytes → 8 bytes)'] },
    ]);
  });

  it('shows only sizes for Secrets', () => {
    const [c] = dataChanges({ password: 'old' }, { password: 'newer' }, { secretKind: true, secrets: [] });
    expect(c.lines).toEqual(['(secret value: 3 bytes → 5 bytes)']);
  });
});
