import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPECS, spec, specsDir } from '../helpers/openapi.js';

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

// The specs live in the repository; each folder's SOURCE.md says where each file came from and must name the
// sha256 of the file kept here, so a replaced or edited spec cannot go unrecorded.
describe('spec/ provenance', () => {
  it('every spec file is in its folder’s SOURCE.md by its sha256', () => {
    const checked: string[] = [];
    for (const folder of readdirSync(specsDir)) {
      const source = readFileSync(join(specsDir, folder, 'SOURCE.md'), 'utf8');
      const walk = (dir: string): string[] =>
        readdirSync(join(specsDir, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
      for (const file of walk(folder).filter((f) => !f.endsWith('SOURCE.md'))) {
        const sha = createHash('sha256')
          .update(readFileSync(join(specsDir, file)))
          .digest('hex');
        expect({ file, listed: source.includes(sha) }).toEqual({ file, listed: true });
        checked.push(file);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(Object.values(SPECS).map((p) => p.slice(specsDir.length))));
  });
});
