import { describe, expect, it } from '@jest/globals';
import { configMarker, type ExpectedData } from '../../src/core/kube/config-marker.js';
import { dataChange, dataDigest, HASH_COLLISION, sameData } from '../../src/core/kube/data.js';
import { configMapHash, envVarName, LAST_RELOADED_FROM, reloadMarker } from '../../src/core/kube/reloader.js';
import { RESTARTED_FOR, restartPatch } from '../../src/core/kube/restart.js';
import { formatReloadSource } from '../../src/playground/kube/reloader-plan.js';

const NORTH = 'a'.repeat(40);
const WEST = 'b'.repeat(40);
const ENV = envVarName('client-config', 'CONFIGMAP');
const at = (hash: string, data?: string): ExpectedData => ({ type: 'CONFIGMAP', name: 'client-config', namespace: 'clients', hash, data });

type Container = { name: string; env?: Array<{ name: string; value: string }> };
type Template = { metadata?: { annotations?: Record<string, string> }; spec: { containers: Container[]; initContainers?: Container[] } };
const template = (o: { env?: string; annotations?: Record<string, string>; init?: string } = {}): Template => ({
  metadata: { annotations: o.annotations ?? {} },
  spec: {
    containers: [{ name: 'app', env: o.env ? [{ name: ENV, value: o.env }] : [] }],
    ...(o.init ? { initContainers: [{ name: 'init', env: [{ name: ENV, value: o.init }] }] } : {}),
  },
});
/** The template after a restart for `expected`, taken on `before` (what the restart patch adds). */
function restarted(before: Template, expected: ExpectedData, nowMs = 5000): Template {
  const patch = restartPatch(nowMs, expected, before) as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
  return { ...before, metadata: { annotations: { ...(before.metadata?.annotations ?? {}), ...patch.spec.template.metadata.annotations } } };
}

describe('the latest config marker of a pod template', () => {
  it('a restart after the env var is the latest marker: the env var holding the current hash proves nothing', () => {
    // Reloader wrote north; a restart for west followed; the data is back to north.
    const t = restarted(template({ env: NORTH }), at(WEST));
    const verdict = configMarker(t, at(NORTH));
    expect(verdict.current).toBe(false);
    expect(verdict.strategy).toBe('restart');
    expect(verdict.why).toContain(`restarted for ConfigMap client-config at hash ${WEST}`);
    expect(verdict.why).toContain(`after ${ENV}=${NORTH} was written`);
    // The marker that happens to match is still recognised as such, but is no longer the verdict.
    expect(reloadMarker(t, at(NORTH))).toEqual({ strategy: 'env-vars', container: 'app' });
    expect(configMarker(t, at(WEST))).toEqual({ current: true, strategy: 'restart' });
  });

  it('an env var Reloader wrote after the restart is the latest marker', () => {
    const t = restarted(template({ env: NORTH }), at(WEST));
    t.spec.containers[0].env = [{ name: ENV, value: 'c'.repeat(40) }];
    expect(configMarker(t, at('c'.repeat(40)))).toEqual({ current: true, strategy: 'env-vars' });
    expect(configMarker(t, at(WEST)).current).toBe(false);
  });

  it('a last-reloaded-from written after the restart is the latest marker', () => {
    const source = (hash: string, observedAt: number) =>
      formatReloadSource({ type: 'CONFIGMAP', name: 'client-config', namespace: 'clients', hash, containerRefs: ['app'], observedAt });
    const t = restarted(template({ annotations: { [LAST_RELOADED_FROM]: source(NORTH, 1) } }), at(WEST));
    expect(configMarker(t, at(NORTH)).current).toBe(false);
    t.metadata!.annotations![LAST_RELOADED_FROM] = source(NORTH, 9);
    expect(configMarker(t, at(NORTH))).toEqual({ current: true, strategy: 'annotations' });
  });

  it('a restart record of an older release (no snapshot) that disagrees with the env var is no proof either way', () => {
    const legacy = JSON.stringify({ type: 'CONFIGMAP', name: 'client-config', namespace: 'clients', hash: WEST });
    const t = template({ env: NORTH, annotations: { [RESTARTED_FOR]: legacy } });
    const verdict = configMarker(t, at(NORTH));
    expect(verdict.current).toBe(false);
    expect(verdict.why).toContain('disagree');
    expect(configMarker(template({ env: WEST, annotations: { [RESTARTED_FOR]: legacy } }), at(WEST)).current).toBe(true);
  });

  it('a marker in an init container is not a marker: Reloader writes into containers only', () => {
    expect(configMarker(template({ init: NORTH }), at(NORTH))).toEqual({ current: false });
    expect(reloadMarker(template({ init: NORTH }), at(NORTH))).toBeUndefined();
  });

  it('with a recorded hash collision only a restart for this very data counts', () => {
    const digest = 'sha256:new';
    const collided = { ...at(NORTH, digest), collision: true };
    const env = configMarker(template({ env: NORTH }), collided);
    expect(env.current).toBe(false);
    expect(env.why).toContain('hash collision');
    expect(configMarker(restarted(template({ env: NORTH }), at(NORTH, 'sha256:old')), collided).why).toContain('for other data with that same hash');
    expect(configMarker(restarted(template({ env: NORTH }), at(NORTH, digest)), collided)).toEqual({ current: true, strategy: 'restart' });
  });
});

describe('data compared as data', () => {
  it("Reloader's hash collides for `a=b;c=d`; the data does not", () => {
    const one = { data: { a: 'b;c=d' } };
    const two = { data: { a: 'b', c: 'd' } };
    expect(configMapHash(one)).toBe(configMapHash(two));
    expect(sameData('CONFIGMAP', one, two)).toBe(false);
    expect(dataDigest('CONFIGMAP', one)).not.toBe(dataDigest('CONFIGMAP', two));
    expect(sameData('CONFIGMAP', two, { data: { c: 'd', a: 'b' } })).toBe(true);
    expect(sameData('SECRET', { data: { k: 'YQ==' } }, { data: { k: 'Yg==' } })).toBe(false);
  });

  it('records the collision on the object, and drops the record on a change Reloader can see', () => {
    const change = dataChange('CONFIGMAP', { data: { a: 'b', c: 'd' } }, { data: { a: 'b;c=d' } }, { keep: '1' });
    expect(change).toMatchObject({ changed: true, collision: true });
    expect(JSON.parse(change.annotations[HASH_COLLISION])).toEqual({
      hash: configMapHash({ data: { a: 'b;c=d' } }),
      data: dataDigest('CONFIGMAP', { data: { a: 'b;c=d' } }),
    });
    expect(change.annotations.keep).toBe('1');
    const next = dataChange('CONFIGMAP', { data: { a: 'b;c=d' } }, { data: { a: 'x' } }, change.annotations);
    expect(next).toMatchObject({ changed: true, collision: false, annotations: { keep: '1' } });
    expect(dataChange('CONFIGMAP', { data: { a: 'x' } }, { data: { a: 'x' } }, change.annotations)).toMatchObject({ changed: false, collision: false });
  });
});
