import { describe, expect, it } from '@jest/globals';
import { ROUTE_TEMPLATES } from '../../src/playground/confluent/index.js';
import { SPECS, spec } from '../helpers/openapi.js';
import { assertConforms, specTemplate, type Response } from './rest.js';

const api = spec(SPECS.confluent);
const paths = api.doc.paths as Record<string, Record<string, unknown>>;
const specOperations = Object.entries(paths).flatMap(([template, ops]) =>
  Object.keys(ops)
    .filter((m) => m !== 'parameters')
    .map((m) => `${m.toUpperCase()} ${template}`),
);
const served = ROUTE_TEMPLATES.map((r) => `${r.method} ${r.template}`);

function response(status: number, body: unknown, contentType = 'application/json'): Response {
  const text = body === undefined ? '' : JSON.stringify(body);
  return { status, headers: new Headers(body === undefined ? {} : { 'content-type': contentType }), text, json: body };
}

describe('the emulator against the spec', () => {
  it('serves only operations the spec defines, under the spec’s own path templates', () => {
    expect(served.filter((op) => !specOperations.includes(op))).toEqual([]);
  });

  it('serves every cluster-link and mirror-topic operation of the spec', () => {
    const linking = specOperations.filter((op) => op.includes('/links'));
    expect(linking.length).toBeGreaterThanOrEqual(19);
    expect(linking.filter((op) => !served.includes(op))).toEqual([]);
  });

  it('serves the topic, produce and consumer-group operations the project uses', () => {
    for (const op of [
      'GET /kafka/v3/clusters/{cluster_id}/topics',
      'POST /kafka/v3/clusters/{cluster_id}/topics',
      'DELETE /kafka/v3/clusters/{cluster_id}/topics/{topic_name}',
      'POST /kafka/v3/clusters/{cluster_id}/topics/{topic_name}/records',
      'GET /kafka/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lag-summary',
      'GET /kafka/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/consumers',
    ]) {
      expect(served).toContain(op);
    }
  });

  it('finds the most literal spec template for a path', () => {
    expect(specTemplate('GET', '/kafka/v3/clusters/lkc-1/links/-/mirrors')).toBe('/kafka/v3/clusters/{cluster_id}/links/-/mirrors');
    expect(specTemplate('GET', '/kafka/v3/clusters/lkc-1/links/dr/mirrors')).toBe('/kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors');
    expect(specTemplate('POST', '/kafka/v3/clusters/lkc-1/links/dr/mirrors:failover')).toBe(
      '/kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors:failover',
    );
  });

  // The guard every test call goes through must be able to fail, or it proves nothing.
  it('the response check rejects drifted bodies', () => {
    const mirror = '/kafka/v3/clusters/lkc-1/links/dr/mirrors/orders';
    const good = {
      kind: 'KafkaMirrorData',
      metadata: { self: 'x' },
      link_name: 'dr',
      mirror_topic_name: 'orders',
      source_topic_name: 'orders',
      num_partitions: 1,
      mirror_lags: [{ partition: 0, lag: 0, last_source_fetch_offset: 0 }],
      mirror_status: 'ACTIVE',
      state_time_ms: 1,
    };
    expect(() => assertConforms('GET', mirror, response(200, good))).not.toThrow();
    expect(() => assertConforms('GET', mirror, response(200, { ...good, mirror_status: 'RUNNING' }))).toThrow(/does not conform/);
    const { state_time_ms: _omitted, ...missing } = good;
    expect(() => assertConforms('GET', mirror, response(200, missing))).toThrow(/state_time_ms/);
    const alter = '/kafka/v3/clusters/lkc-1/links/dr/mirrors:failover';
    const entry = {
      kind: 'AlterMirrorsData',
      metadata: { self: 'x' },
      mirror_topic_name: 'orders',
      error_code: null,
      error_message: null,
      mirror_lags: [],
      messages_truncated: null,
      partition_level_truncation_data: [],
    };
    expect(() => assertConforms('POST', alter, response(200, { kind: 'K', metadata: { self: 'x' }, data: [entry] }))).not.toThrow();
    const { messages_truncated: _m, ...withoutKey } = entry;
    expect(() => assertConforms('POST', alter, response(200, { kind: 'K', metadata: { self: 'x' }, data: [withoutKey] }))).toThrow(/messages_truncated/);
    expect(() => assertConforms('POST', '/kafka/v3/clusters/lkc-1/links/dr/mirrors', response(204, { unexpected: true }))).toThrow(/documents no body/);
    expect(() => assertConforms('GET', mirror, response(404, { error: 'nope' }))).toThrow(/does not conform/);
    expect(() => assertConforms('GET', mirror, response(429, { error_code: 429 }))).toThrow(/text\/html/);
  });
});
