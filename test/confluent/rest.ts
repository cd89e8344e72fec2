/**
 * Test client for the Confluent emulator: real HTTP with fetch, and EVERY response checked against the published
 * spec (the path template is found from the spec's own paths, not from the emulator's routing), so the emulator
 * cannot drift from the real API.
 */
import { SPECS, spec } from '../helpers/openapi.js';
import { startConfluent, type ClusterInfo, type ConfluentEmulator, type ConfluentOptions } from '../../src/playground/confluent/index.js';

const api = spec(SPECS.confluent);
const specPaths = Object.entries(api.doc.paths as Record<string, Record<string, unknown>>).map(([template, ops]) => {
  const params = (template.match(/\{[a-z_]+\}/g) ?? []).length;
  const source = template
    .split(/(\{[a-z_]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return { template, params, methods: Object.keys(ops), regex: new RegExp(`^${source}$`) };
});

/** The spec path template a request hits (the most literal match, so `/links/-/mirrors` wins over `{link_name}`). */
export function specTemplate(method: string, path: string): string | undefined {
  return specPaths.filter((p) => p.methods.includes(method.toLowerCase()) && p.regex.test(path)).sort((a, b) => a.params - b.params)[0]?.template;
}

export interface Response {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test bodies are inspected freely
  template?: string;
}

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string | number | boolean>;
  contentType?: string | null;
  /** Override the Authorization header; `null` sends none. */
  authorization?: string | null;
  signal?: AbortSignal;
  /** The answer is concatenated JSON (streaming produce): the test checks each report itself. */
  concatenated?: boolean;
}

export function basic(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

/** Checks a response against the spec and throws with the ajv errors when it does not conform. */
export function assertConforms(method: string, path: string, res: Response): void {
  const template = specTemplate(method, path);
  const fail = (why: string) => {
    throw new Error(`${method} ${path} -> ${res.status} does not conform to the spec (${template ?? 'no spec path'}): ${why}\nbody: ${res.text.slice(0, 500)}`);
  };
  if (res.status === 429) {
    if (!res.headers.get('content-type')?.startsWith('text/html')) fail('429 must be text/html (the Jetty DoSFilter page)');
    return;
  }
  const pointer = template ? api.responsePointer(method, template, res.status) : undefined;
  if (res.status >= 200 && res.status < 300) {
    if (!template) fail('no spec operation for a successful answer');
    if (!pointer) {
      if (res.text !== '') fail('the spec documents no body for this answer, but one was sent');
      return;
    }
    const errors = api.checkResponse(method, template!, res.status, res.json);
    if (errors.length) fail(errors.join('; '));
    return;
  }
  // Errors: the documented schema where the spec lists the status; otherwise (403/404 on link and mirror
  // endpoints, which happen in practice but the spec omits) the spec's Error schema.
  const errors = pointer ? api.checkResponse(method, template!, res.status, res.json) : api.check('Error', res.json);
  if (errors.length) fail(errors.join('; '));
}

/** A client for one cluster of the emulator. */
export class Client {
  constructor(
    readonly info: ClusterInfo,
    private readonly auth: string = basic(info.apiKey, info.apiSecret),
  ) {}

  /** `path` is relative to `/kafka/v3/clusters/{id}`; use `absolute` for other paths. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    return this.absolute(method, `/kafka/v3/clusters/${this.info.id}${path}`, options);
  }

  async absolute(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const query = options.query ? `?${new URLSearchParams(Object.entries(options.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
    const headers: Record<string, string> = {};
    const authorization = options.authorization === undefined ? this.auth : options.authorization;
    if (authorization !== null) headers.Authorization = authorization;
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined && options.contentType !== null) headers['Content-Type'] = options.contentType ?? 'application/json';
    const res = await fetch(`${this.info.restEndpoint}${path}${query}`, { method, headers, body: payload, signal: options.signal });
    const text = await res.text();
    const isJson = res.headers.get('content-type')?.includes('application/json') ?? false;
    const json: unknown = isJson && text && !options.concatenated ? JSON.parse(text) : undefined;
    const response: Response = { status: res.status, headers: res.headers, text, json, template: specTemplate(method, path) };
    if (!options.concatenated) assertConforms(method, path, response);
    return response;
  }

  get = (path: string, options?: CallOptions) => this.call('GET', path, options);
  post = (path: string, body?: unknown, options?: CallOptions) => this.call('POST', path, { ...options, body });
  put = (path: string, body?: unknown, options?: CallOptions) => this.call('PUT', path, { ...options, body });
  delete = (path: string, options?: CallOptions) => this.call('DELETE', path, options);
}

/** Fast timings; an outage shows at once (unavailableAfterMs 0) unless a test sets the real 5-minute window. */
export const FAST = { replicationDelayMs: 20, transitionMs: 30, unavailableAfterMs: 0 } as const;

/** Starts north and west with fast timings; returns the emulator and a client per cluster. */
export async function twoClusters(options: Partial<ConfluentOptions> = {}): Promise<{ emu: ConfluentEmulator; north: Client; west: Client }> {
  const emu = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], ...FAST, ...options });
  const clients = { north: new Client(emu.info('north')), west: new Client(emu.info('west')) };
  // Warm the HTTP client up, so a test's first request is not slowed by its start-up (timings are tens of ms).
  await Promise.all([clients.north.get(''), clients.west.get('')]);
  emu.resetRequests();
  return { emu, ...clients };
}

/** Polls `check` (which reads state) every 5 ms until it returns true; fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A clock that moves only when told: state machine tests see every intermediate state, whatever the load. */
export class ManualClock {
  private t = Date.now();
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** north/orders (4 partitions) mirrored to west over a bidirectional link `dr` (both sides). */
export function bidirectional(emu: ConfluentEmulator, topics = ['orders'], partitions = 4): void {
  for (const t of topics) emu.createTopic('north', t, { partitions });
  emu.createLink('north', 'dr', { remote: 'west', mode: 'BIDIRECTIONAL' });
  emu.createLink('west', 'dr', { remote: 'north', mode: 'BIDIRECTIONAL' });
  for (const t of topics) emu.createMirror('west', 'dr', t);
}

export function records(n: number, prefix = 'r'): Array<{ value: string }> {
  return Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));
}
