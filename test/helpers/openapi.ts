import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The published specs in spec/ (each folder's SOURCE.md names the upstream file), which the emulators are held to. */
export const specsDir = new URL('../../spec/', import.meta.url).pathname;
export const SPECS = {
  confluent: join(specsDir, 'confluent/ccloud-sdk-go-v2_kafkarest-v3_openapi.yaml'),
  kubeCore: join(specsDir, 'kubernetes/api__v1_openapi.json'),
  kubeApps: join(specsDir, 'kubernetes/apis__apps__v1_openapi.json'),
  azure: join(specsDir, 'azure/managedClusters.2026-04-01.excerpt.json'),
} as const;

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Validates bodies against an OpenAPI 3.0 document with ajv: the whole document is registered as
 * one schema, and each check compiles `{$ref: '<id>#/components/schemas/X'}` (cached).
 */
export class OpenApi {
  readonly doc: Json;
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly id: string;

  constructor(file: string) {
    const text = readFileSync(file, 'utf8');
    this.doc = (file.endsWith('.json') ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as Json;
    this.id = `spec:${file}`;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'int-or-string']) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ ...this.doc, $id: this.id });
  }

  /** Errors (empty when valid) of `body` against a named component schema. */
  check(schemaName: string, body: unknown): string[] {
    return this.run(`#/components/schemas/${schemaName}`, body);
  }

  /** Errors of a response body against what the spec documents for that operation and status. */
  checkResponse(method: string, pathTemplate: string, status: number, body: unknown): string[] {
    const pointer = this.responsePointer(method, pathTemplate, status);
    if (!pointer) return [`the spec documents no JSON body for ${method.toUpperCase()} ${pathTemplate} -> ${status}`];
    return this.run(pointer, body);
  }

  /** The JSON pointer of the response schema, following a `$ref` to components/responses. */
  responsePointer(method: string, pathTemplate: string, status: number): string | undefined {
    const paths = this.doc.paths as Record<string, Record<string, Json>>;
    const operation = paths[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`the spec has no operation ${method.toUpperCase()} ${pathTemplate}`);
    const responses = operation.responses as Record<string, Json>;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k]);
    if (!key) return undefined;
    let response = responses[key];
    let base = `#/paths/${escape(pathTemplate)}/${method.toLowerCase()}/responses/${key}`;
    if (typeof response.$ref === 'string') {
      base = response.$ref;
      response = this.resolve(response.$ref);
    }
    const content = response.content as Record<string, Json> | undefined;
    const media = content && Object.keys(content).find((m) => m.includes('json'));
    if (!media) return undefined;
    return `${base}/content/${escape(media)}/schema`;
  }

  private resolve(ref: string): Json {
    let node: unknown = this.doc;
    for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return node as Json;
  }

  private run(pointer: string, body: unknown): string[] {
    let validate = this.cache.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${this.id}${pointer}` });
      this.cache.set(pointer, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

const loaded = new Map<string, OpenApi>();
/** One parsed spec per file per test process. */
export function spec(file: string): OpenApi {
  let api = loaded.get(file);
  if (!api) {
    api = new OpenApi(file);
    loaded.set(file, api);
  }
  return api;
}
