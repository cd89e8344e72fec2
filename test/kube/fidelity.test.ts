import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseLabelSelector, matchesRequirements } from '../../src/playground/kube/selectors.js';
import { waitFor, namespace, startFixture, deploymentRolledOut, deployment, type KubeFixture } from './helpers.js';

/**
 * What the differential tests against the real kube-apiserver (test/real/differential.test.ts) found the
 * emulator doing differently, each now as the real server does it.
 */

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.emu.close());

async function raw(method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json') {
  const res = await fetch(`${f.emu.url}${path}`, {
    method,
    headers: { 'content-type': contentType, accept },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = Buffer.from(await res.arrayBuffer());
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text.toString('utf8')) as Record<string, unknown>;
  } catch {
    // protobuf or text
  }
  return { status: res.status, type: res.headers.get('content-type'), json, bytes: text };
}

describe('as the real API server does', () => {
  it('labels every namespace with kubernetes.io/metadata.name', async () => {
    const created = await raw('POST', '/api/v1/namespaces', { metadata: { name: 'fidelity-ns', labels: { team: 'a' } } });
    expect((created.json.metadata as { labels: Record<string, string> }).labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'fidelity-ns' });
  });

  it('counts the remaining items of a page only when the list has no selector', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(['a', 'b', 'c'].map((n) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: ns, labels: { x: '1' } } })));
    const plain = await raw('GET', `/api/v1/namespaces/${ns}/configmaps?limit=2`);
    expect((plain.json.metadata as Record<string, unknown>).remainingItemCount).toBe(1);
    const selected = await raw('GET', `/api/v1/namespaces/${ns}/configmaps?limit=2&labelSelector=x`);
    expect(selected.json.metadata).not.toHaveProperty('remainingItemCount');
    expect(selected.json.metadata).toHaveProperty('continue');
  });

  it("parses label selectors with apimachinery's grammar and messages", () => {
    const message = (s: string) => {
      try {
        parseLabelSelector(s);
      } catch (err) {
        return (err as Error).message;
      }
      return 'parsed';
    };
    expect(message('tier in front')).toBe("unable to parse requirement: found 'front' expected: '('");
    expect(message('tier in (a b)')).toBe("unable to parse requirement: found 'b', expected: ',' or ')'");
    expect(message('a=b c')).toBe("found 'c', expected: ',' or 'end of string'");
    expect(message('a,')).toBe("found '', expected: identifier after ','");
    expect(message('=a')).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(message('a ~ b')).toBe("unable to parse requirement: found '~', expected: in, notin, =, ==, !=, gt, lt");
    expect(matchesRequirements(parseLabelSelector('replicas>2,tier in (in)'), { replicas: '3', tier: 'in' })).toBe(true);
    expect(matchesRequirements(parseLabelSelector('replicas<2'), { replicas: '3' })).toBe(false);
  });

  it('names the field selectors a type supports in the words of its own conversion', async () => {
    const ns = namespace(f.emu);
    const cm = await raw('GET', `/api/v1/namespaces/${ns}/configmaps?fieldSelector=data.a%3D1`);
    expect([cm.status, cm.json.message]).toEqual([400, '"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"']);
    const pod = await raw('GET', `/api/v1/namespaces/${ns}/pods?fieldSelector=spec.nope%3D1`);
    expect([pod.status, pod.json.message]).toEqual([400, 'field label not supported: spec.nope']);
    const nsList = await raw('GET', `/api/v1/namespaces?fieldSelector=metadata.namespace%3Dx`);
    expect(nsList.json.message).toBe('field label not supported: metadata.namespace');
    const rs = await raw('GET', `/apis/apps/v1/namespaces/${ns}/replicasets?fieldSelector=status.replicas%3D1`);
    expect(rs.json.message).toBe('"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
    expect((await raw('GET', `/api/v1/namespaces/${ns}/pods?fieldSelector=spec.schedulerName%3Ddefault-scheduler`)).status).toBe(200);
  });

  it('answers a watch from an unparseable resourceVersion with a 500 without a reason', async () => {
    const answer = await raw('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=abc');
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
      code: 500,
    });
  });

  it('words a failed delete precondition on the kind', async () => {
    const ns = namespace(f.emu);
    const [cm] = f.emu.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns } }) as Array<{
      metadata: { resourceVersion: string };
    }>;
    f.emu.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns }, data: { a: '2' } });
    const now = (f.emu.get('ConfigMap', ns, 'c') as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const answer = await raw('DELETE', `/api/v1/namespaces/${ns}/configmaps/c`, { preconditions: { resourceVersion: cm.metadata.resourceVersion } });
    expect(answer.status).toBe(409);
    expect(answer.json.message).toBe(
      `Operation cannot be fulfilled on ConfigMap "c": the ResourceVersion in the precondition (${cm.metadata.resourceVersion}) does not match the ResourceVersion in record (${now}). The object might have been modified`,
    );
    expect(answer.json.details).toEqual({ name: 'c', kind: 'ConfigMap' });
  });

  it("validates a Secret's type-specific keys, after what an update may not change", async () => {
    const ns = namespace(f.emu);
    const path = `/api/v1/namespaces/${ns}/secrets`;
    const tls = await raw('POST', path, { metadata: { name: 't' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } });
    expect([tls.status, tls.json.message]).toEqual([422, 'Secret "t" is invalid: data[tls.key]: Required value']);
    const basic = await raw('POST', path, { metadata: { name: 'b' }, type: 'kubernetes.io/basic-auth', data: {} });
    expect(basic.json.message).toBe('Secret "b" is invalid: [data[username]: Required value, data[password]: Required value]');
    const json = await raw('POST', path, {
      metadata: { name: 'd' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{x').toString('base64') },
    });
    expect(json.json.message).toMatch(/^Secret "d" is invalid: data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /);
    const opaque = (await raw('POST', path, { metadata: { name: 'o' }, data: { k: 'djE=' } })).json;
    const changed = await raw('PUT', `${path}/o`, { ...opaque, type: 'kubernetes.io/tls' });
    expect(changed.json.message).toBe(
      'Secret "o" is invalid: [type: Invalid value: "kubernetes.io/tls": field is immutable, data[tls.crt]: Required value, data[tls.key]: Required value]',
    );
  });

  it("reports a bad key at data[key], a bad label with apimachinery's examples, bad base64, a wrong kind and bad JSON as the server words them", async () => {
    const ns = namespace(f.emu);
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const key = await raw('POST', path, { metadata: { name: 'k' }, data: { 'a b': '1' } });
    expect((key.json.details as { causes: Array<{ field: string }> }).causes[0].field).toBe('data[a b]');
    const label = await raw('POST', path, { metadata: { name: 'l', labels: { tier: 'not ok!' } } });
    expect(label.json.message).toBe(
      `ConfigMap "l" is invalid: metadata.labels: Invalid value: "not ok!": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
    const base64 = await raw('POST', `/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 's' }, data: { k: 'not base64!' } });
    expect(base64.json.message).toBe('Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
    const kind = await raw('POST', path, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
    expect(kind.json.message).toBe('Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion');
    const bad = await raw('POST', path, '{not json');
    expect(bad.json.message).toMatch(
      /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: .* \(\{not json\)$/,
    );
  });

  it('counts terminatingReplicas in Deployment and ReplicaSet status', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 2 }));
    const d = await waitFor('the rollout', () => {
      const o = f.emu.get('Deployment', ns, 'web');
      return deploymentRolledOut(o) ? (o as { status: Record<string, unknown> }) : undefined;
    });
    expect(d.status.terminatingReplicas).toBe(0);
    const [rs] = f.emu.list('ReplicaSet', ns) as Array<{ status: Record<string, unknown> }>;
    expect(rs.status.terminatingReplicas).toBe(0);
  });

  it('serves /openapi/v2 (kubectl validates the items of a kind: List with it), as protobuf when asked', async () => {
    const proto = await raw('GET', '/openapi/v2', undefined, 'application/json', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
    expect(proto.status).toBe(200);
    expect(proto.type).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    // gnostic Document: field 1 (swagger) = "2.0", field 2 (info) with title and version.
    expect([...proto.bytes.subarray(0, 5)]).toEqual([0x0a, 0x03, ...Buffer.from('2.0')]);
    const json = await raw('GET', '/openapi/v2');
    expect(json.json).toMatchObject({ swagger: '2.0', definitions: {} });
  });

  it("answers patch failures in the apiserver's words", async () => {
    const ns = namespace(f.emu);
    f.emu.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p', namespace: ns }, data: { a: '1' } });
    const path = `/api/v1/namespaces/${ns}/configmaps/p`;
    const test = await raw('PATCH', path, [{ op: 'test', path: '/data/a', value: '2' }], 'application/json-patch+json');
    expect([test.status, test.json.message, test.json.details]).toEqual([422, 'the server rejected our request due to an error in our request', {}]);
    const notList = await raw('PATCH', path, { op: 'remove' }, 'application/json-patch+json');
    expect(notList.json.message).toBe('error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    const unknown = await raw('PATCH', path, {}, 'application/x-patch');
    expect([unknown.status, unknown.json.message, unknown.json.details]).toEqual([415, '415: Unsupported Media Type', {}]);
  });

  it('server-side apply: managedFields say Apply, and a missing fieldManager is a 422 on PatchOptions', async () => {
    const ns = namespace(f.emu);
    const path = `/api/v1/namespaces/${ns}/configmaps/applied`;
    const applied = await raw(
      'PATCH',
      `${path}?fieldManager=alice`,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { a: '1' } },
      'application/apply-patch+yaml',
    );
    expect(applied.status).toBe(201);
    expect((applied.json.metadata as { managedFields: Array<{ manager: string; operation: string }> }).managedFields).toEqual([
      expect.objectContaining({ manager: 'alice', operation: 'Apply' }),
    ]);
    const anonymous = await raw('PATCH', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' } }, 'application/apply-patch+yaml');
    expect(anonymous.status).toBe(422);
    expect(anonymous.json.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    expect(anonymous.json.details).toEqual({
      group: 'meta.k8s.io',
      kind: 'PatchOptions',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    });
  });
});
