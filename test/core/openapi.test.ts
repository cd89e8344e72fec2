import { describe, expect, it } from '@jest/globals';
import { SPECS, spec } from '../helpers/openapi.js';

// The validator itself must be able to fail, or every emulator check built on it means nothing.
describe('OpenAPI validator', () => {
  it('accepts a documented Confluent error body and rejects a wrong one', () => {
    const api = spec(SPECS.confluent);
    expect(api.checkResponse('GET', '/kafka/v3/clusters/{cluster_id}/links', 401, { error_code: 40101, message: 'Authentication failed' })).toEqual([]);
    expect(api.checkResponse('GET', '/kafka/v3/clusters/{cluster_id}/links', 401, { error_code: 'x' })).not.toEqual([]);
  });
  it('checks Kubernetes objects against the core/v1 schemas', () => {
    const api = spec(SPECS.kubeCore);
    const name = Object.keys((api.doc.components as { schemas: object }).schemas).find((k) => k.endsWith('core.v1.ConfigMap'))!;
    expect(api.check(name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } })).toEqual([]);
    expect(api.check(name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 1 } })).not.toEqual([]);
  });
});
