import { describe, expect, it } from '@jest/globals';
import { LAST_RELOADED_FROM, parseReloadSource, type ReloadResource } from '../../src/core/kube/reloader.js';
import {
  formatReloadSource,
  parseGoDuration,
  pausePatch,
  planReload,
  reloadedMessage,
  resumePatch,
  workloadsToReload,
} from '../../src/playground/kube/reloader-plan.js';
import { reloaderWorkload } from './reloader-workload.js';

/** What the emulated Reloader writes: the patches, pause and resume, the event text and the order of its work. */

describe('Go time.ParseDuration (for pause-period)', () => {
  it('parseGoDuration follows time.ParseDuration', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('10')).toBeUndefined();
    expect(parseGoDuration('5 m')).toBeUndefined();
    expect(parseGoDuration('')).toBeUndefined();
  });
});

describe('planReload and the patches', () => {
  const resource: ReloadResource = { type: 'CONFIGMAP', name: 'kafka', namespace: 'apps', hash: '5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5' };

  it('env-vars: the exact strategic merge patch, and NotUpdated when the variable already holds the hash', () => {
    const plan = planReload(resource, reloaderWorkload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true' }));
    expect(plan.result).toBe('Updated');
    expect(JSON.stringify(plan.patch)).toBe(
      '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"STAKATER_KAFKA_CONFIGMAP","value":"5944e7beeeeb8dc3f549b1b5a01ccba5a2e5d1b5"}]}]}}}}',
    );
    const again = planReload(
      resource,
      reloaderWorkload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true' }, [{ name: 'STAKATER_KAFKA_CONFIGMAP', value: resource.hash }]),
    );
    expect(again.result).toBe('NotUpdated');
    expect(again.patch).toBeUndefined();
  });

  it('annotations: last-reloaded-from JSON with fields in Reloader order, always Updated', () => {
    const plan = planReload(
      resource,
      reloaderWorkload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true' }),
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

  it('reports a Deployment pause-period, valid or not', () => {
    expect(
      planReload(
        resource,
        reloaderWorkload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true', 'deployment.reloader.stakater.com/pause-period': '5m' }),
      ).pausePeriodMs,
    ).toBe(300_000);
    expect(
      planReload(
        resource,
        reloaderWorkload('Deployment', 'p', 'apps', { 'reloader.stakater.com/auto': 'true', 'deployment.reloader.stakater.com/pause-period': 'soon' }),
      ).invalidPausePeriod,
    ).toBe('soon');
    expect(
      planReload(
        resource,
        reloaderWorkload('StatefulSet', 's', 'apps', { 'reloader.stakater.com/auto': 'true', 'deployment.reloader.stakater.com/pause-period': '5m' }),
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
      reloaderWorkload('StatefulSet', 's', 'apps', { 'reloader.stakater.com/auto': 'true' }),
      reloaderWorkload('Deployment', 'quiet', 'apps', {}),
      reloaderWorkload('DaemonSet', 'ds', 'apps', { 'configmap.reloader.stakater.com/reload': 'kafka' }),
      reloaderWorkload('Deployment', 'd', 'apps', { 'reloader.stakater.com/auto': 'true' }),
    ]);
    expect(list.map((p) => `${p.kind}/${p.name}`)).toEqual(['Deployment/d', 'DaemonSet/ds', 'StatefulSet/s']);
  });

  it('formats the Reloaded event message as Reloader does', () => {
    expect(reloadedMessage(resource, 'Deployment', 'producer')).toBe(
      "Changes detected in 'kafka' of type 'CONFIGMAP' in namespace 'apps', Updated 'producer' of type 'Deployment' in namespace 'apps'",
    );
  });
});
