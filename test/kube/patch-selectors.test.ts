import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../src/playground/kube/errors.js';
import { applyPatch, jsonPatch, mergePatch, patchTypeOf, strategicMergePatch } from '../../src/playground/kube/patch.js';
import { resourceType } from '../../src/playground/kube/resources.js';
import { matchesRequirements, matchesSelector, parseFieldSelector, parseLabelSelector } from '../../src/playground/kube/selectors.js';

const template = {
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }], volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }], args: ['x', 'y'] },
          { name: 'side', image: 's:1' },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'c' } }],
      },
    },
  },
};

describe('strategic merge patch', () => {
  it('merges containers and env by name, volumeMounts by mountPath, and replaces plain lists', () => {
    const out = strategicMergePatch(template, {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                args: ['z'],
                env: [
                  { name: 'B', value: '2' },
                  { name: 'A', value: '9' },
                ],
                volumeMounts: [{ name: 'cfg2', mountPath: '/cfg' }],
              },
            ],
          },
        },
      },
    }) as typeof template;
    const [app, side] = out.spec.template.spec.containers;
    expect(side).toEqual({ name: 'side', image: 's:1' });
    expect(app.image).toBe('a:1');
    // The patch's items in the patch's order, then the others (apimachinery's normalizeElementOrder, as the real server does).
    expect(app.env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '9' },
    ]);
    expect(app.volumeMounts).toEqual([{ name: 'cfg2', mountPath: '/cfg' }]);
    expect(app.args).toEqual(['z']);
  });

  it('honours $patch replace and delete, $retainKeys, $deleteFromPrimitiveList and $setElementOrder', () => {
    const replaced = strategicMergePatch(template, {
      spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] } } },
    }) as typeof template;
    expect(replaced.spec.template.spec.containers).toEqual([{ name: 'only', image: 'o:1' }]);
    const deleted = strategicMergePatch(template, { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } }) as typeof template;
    expect(deleted.spec.template.spec.containers.map((c) => c.name)).toEqual(['app']);
    const mapReplace = strategicMergePatch({ a: { x: 1, y: 2 } }, { a: { $patch: 'replace', z: 3 } });
    expect(mapReplace).toEqual({ a: { z: 3 } });
    const retained = strategicMergePatch(
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
      { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    );
    expect(retained).toEqual({ strategy: { type: 'Recreate' } });
    const fin = strategicMergePatch(
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['c'] } },
    );
    expect(fin).toEqual({ metadata: { finalizers: ['c', 'b'] } });
    const ordered = strategicMergePatch(template, {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }], containers: [{ name: 'side', image: 's:2' }] } } },
    }) as typeof template;
    expect(ordered.spec.template.spec.containers.map((c) => `${c.name}:${c.image}`)).toEqual(['side:s:2', 'app:a:1']);
  });

  it('rejects a merge-list item without its merge key', () => {
    expect(() => strategicMergePatch(template, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } })).toThrow(ApiError);
  });
});

describe('merge and JSON patch', () => {
  it('merge patch replaces lists and deletes nulls', () => {
    expect(mergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } })).toEqual({ a: [3], b: { d: 2 } });
  });
  it('JSON patch applies operations without mutating the input and fails with 422', () => {
    const doc = { a: { b: 1 } };
    expect(jsonPatch(doc, [{ op: 'add', path: '/a/c', value: 2 }])).toEqual({ a: { b: 1, c: 2 } });
    expect(doc).toEqual({ a: { b: 1 } });
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(expect.objectContaining({ code: 422 }));
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(expect.objectContaining({ code: 400 }));
  });
  it('dispatches on Content-Type (parameters ignored) and answers 415 otherwise', () => {
    expect(patchTypeOf('application/merge-patch+json; charset=utf-8')).toBe('application/merge-patch+json');
    expect(() => patchTypeOf('application/json')).toThrow(expect.objectContaining({ code: 415 }));
    expect(applyPatch('application/strategic-merge-patch+json', { a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
  });
});

describe('selectors', () => {
  it('parses and matches label selectors', () => {
    const labels = { app: 'web', tier: 'front' };
    const yes = ['app=web', 'app==web', 'app!=db', 'tier in (front,back)', 'env notin (prod)', 'app', '!env', 'app=web, tier=front', ''];
    const no = ['app=db', 'tier notin (front)', 'env', '!app', 'app in (db)'];
    for (const s of yes) expect([s, matchesRequirements(parseLabelSelector(s), labels)]).toEqual([s, true]);
    for (const s of no) expect([s, matchesRequirements(parseLabelSelector(s), labels)]).toEqual([s, false]);
    expect(() => parseLabelSelector('app in web')).toThrow(expect.objectContaining({ code: 400 }));
  });
  it('matches LabelSelector objects (matchLabels and matchExpressions); a null selector matches nothing', () => {
    expect(
      matchesSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, { app: 'web', tier: 'front' }),
    ).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { tier: 'x' })).toBe(false);
    expect(matchesSelector(undefined, { a: 'b' })).toBe(false);
  });
  it('accepts the field selectors each type supports and rejects others', () => {
    expect(parseFieldSelector('metadata.name=a,status.phase!=Running', resourceType('Pod'))).toEqual([
      { field: 'metadata.name', op: '=', value: 'a' },
      { field: 'status.phase', op: '!=', value: 'Running' },
    ]);
    expect(() => parseFieldSelector('status.phase=Running', resourceType('ConfigMap'))).toThrow(expect.objectContaining({ code: 400 }));
    expect(parseFieldSelector('involvedObject.name=x,reason=BackOff', resourceType('Event'))).toHaveLength(2);
  });
});
