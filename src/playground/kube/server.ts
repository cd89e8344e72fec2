import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { KubeApi, WriteOptions } from './api.js';
import { forbiddenRequest, isWatch, requestAttributes, selfSubjectAccessReview } from './authorization.js';
import { apiGroup, apiGroupList, apiVersions, resourceList, SERVED_GROUPS, version } from './discovery.js';
import { openApiV3GroupVersion, openApiV3Root } from './openapi.js';
import { ApiError, badRequest, invalidOptions, methodNotAllowed, unauthorized, unsupportedMediaType, unsupportedValue } from './errors.js';
import { applyPatch, parsePatchBody, patchTypeOf } from './patch.js';
import { RbacAuthorizer, SYSTEM_AUTHENTICATED, SYSTEM_MASTERS, userInfo, type UserInfo } from './rbac.js';
import { apiVersionOf, byPlural, STORED_GROUPS, type ApiGroup, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector, type ObjectFilter } from './selectors.js';
import type { Store } from './store.js';
import { toTable, wantsTable } from './table.js';
import { clone, type KubeObject } from './types.js';
import { serveWatch } from './watch.js';

/** One served request, as `requests()` reports it. */
export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
  watch: boolean;
}

/** A bearer token that authenticates as a user whom RBAC authorizes. */
export interface TokenUser {
  token: string;
  username: string;
  groups?: string[];
}

export interface ServerOptions {
  /** Tokens of superusers (group system:masters). */
  tokens?: string[];
  /** Tokens of users authorized by the stored RBAC objects. */
  users?: TokenUser[];
  bookmarkIntervalMs: number;
  serverAddress: () => string;
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The deprecated `/watch/` path prefix: a watch of the collection, or of the one named object. */
  watchPath?: boolean;
}

/** Who a request is when the emulator checks no tokens, or carries one of `tokens`. */
const SUPERUSER: UserInfo = { name: 'admin', groups: [SYSTEM_MASTERS, SYSTEM_AUTHENTICATED] };
const SSAR_PATH = 'apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

const MAX_BODY = 3 * 1024 * 1024;

/**
 * The HTTP face of the emulator: bearer-token authentication, RBAC authorization (rbac.ts) of the `users`
 * tokens, discovery, SelfSubjectAccessReview, and the REST verbs on every served resource (collections,
 * objects, `status` and `scale` subresources, watch), with errors as Status objects and
 * `Content-Type: application/json` on every JSON response (client-node needs it).
 */
export class KubeServer {
  readonly log: RequestRecord[] = [];
  private readonly watches = new Set<() => void>();
  private readonly authorizer: RbacAuthorizer;
  private readonly users: Map<string, UserInfo>;

  constructor(
    private readonly api: KubeApi,
    private readonly store: Store,
    private readonly options: ServerOptions,
  ) {
    this.authorizer = new RbacAuthorizer(store);
    this.users = new Map((options.users ?? []).map((u) => [u.token, userInfo(u.username, u.groups)]));
  }

  /** Ends every open watch stream. */
  endWatches(): void {
    for (const end of [...this.watches]) end();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = (req.method ?? 'GET').toUpperCase();
    const watch = method === 'GET' && isWatch(url.searchParams);
    const record: RequestRecord = { method, path: url.pathname, query: url.search, status: 0, watch };
    this.log.push(record);
    res.on('finish', () => {
      if (record.status === 0) record.status = res.statusCode;
    });
    this.dispatch(req, res, url, method, watch, record).catch((err: unknown) => this.fail(res, record, err));
  }

  private fail(res: ServerResponse, record: RequestRecord, err: unknown): void {
    const apiError =
      err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
    if (!(err instanceof ApiError)) console.error('kube emulator: internal error', err);
    record.status = apiError.code;
    if (res.headersSent) return void res.end();
    this.json(res, apiError.code, apiError.status(), apiError.headers);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
    });
    res.end(text);
  }

  /** The request's user: everyone is a superuser when no tokens are set; otherwise a token of `tokens` or `users`, or 401. */
  private authenticate(req: IncomingMessage): UserInfo {
    const tokens = this.options.tokens ?? [];
    if (tokens.length === 0 && this.users.size === 0) return SUPERUSER;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const token = m?.[1].trim();
    if (token !== undefined && tokens.includes(token)) return SUPERUSER;
    const user = token !== undefined ? this.users.get(token) : undefined;
    if (!user) throw unauthorized();
    return user;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, url: URL, method: string, watch: boolean, record: RequestRecord): Promise<void> {
    const user = this.authenticate(req);
    // Authorization comes before routing, as in the apiserver's filter chain: a refused request is a 403 even
    // where nothing is served.
    const attributes = requestAttributes(user, method, url);
    const decision = this.authorizer.authorize(attributes);
    if (!decision.allowed) throw forbiddenRequest(attributes, decision.reason);
    const parts = url.pathname.split('/').filter(Boolean);
    const joined = parts.join('/');
    if (['', 'healthz', 'livez', 'readyz'].includes(joined)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      return void res.end('ok');
    }
    const discovery: Record<string, () => object> = {
      version: version,
      api: () => apiVersions(this.options.serverAddress()),
      apis: apiGroupList,
      'api/v1': () => resourceList(''),
    };
    for (const group of SERVED_GROUPS) {
      discovery[`apis/${group}`] = () => apiGroup(group);
      discovery[`apis/${group}/v1`] = () => resourceList(group);
    }
    if (joined === 'openapi/v3') discovery[joined] = openApiV3Root;
    if (joined === 'openapi/v2') {
      if (method !== 'GET') throw methodNotAllowed(method, url.pathname);
      return this.openApiV2(req, res);
    }
    const gvDoc = joined.startsWith('openapi/v3/') ? openApiV3GroupVersion(joined.slice('openapi/v3/'.length)) : undefined;
    if (gvDoc) discovery[joined] = () => gvDoc;
    if (discovery[joined]) {
      if (method !== 'GET') throw methodNotAllowed(method, url.pathname);
      return this.json(res, 200, discovery[joined]());
    }
    const q = url.searchParams;
    const fieldManager = q.get('fieldManager') ?? managerFromAgent(req.headers['user-agent']);
    if (joined === SSAR_PATH) {
      if (method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
      this.dryRun(q.getAll('dryRun'), method);
      return this.json(res, 201, selfSubjectAccessReview(await this.readObject(req), user, this.authorizer, fieldManager, Date.now()));
    }
    const route = this.route(parts);
    if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const dryRun = this.dryRun(q.getAll('dryRun'), method);
    const write: WriteOptions = { dryRun, fieldManager, fieldManagerGiven: q.has('fieldManager') };
    const { type, namespace, subresource } = route;
    let name = route.name;
    let only: ObjectFilter['fields'] = [];
    if (route.watchPath) {
      if (method !== 'GET') throw methodNotAllowed(method, url.pathname);
      watch = true;
      record.watch = true;
      if (name !== undefined) only = parseFieldSelector(`metadata.name=${name}`, type);
      name = undefined;
    }

    if (name === undefined) {
      const filter: ObjectFilter = {
        labels: parseLabelSelector(q.get('labelSelector')),
        fields: [...parseFieldSelector(q.get('fieldSelector'), type), ...only],
      };
      if (method === 'GET' && watch) {
        const end = serveWatch(
          this.store,
          {
            type,
            namespace,
            filter,
            resourceVersion: q.get('resourceVersion') ?? undefined,
            timeoutSeconds: q.has('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined,
            allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
            bookmarkIntervalMs: this.options.bookmarkIntervalMs,
            render: wantsTable(req.headers.accept) ? (o) => toTable(type, [o], o.metadata.resourceVersion ?? '', q.get('includeObject')) : undefined,
          },
          res,
        );
        record.status = 200;
        this.watches.add(end);
        res.on('close', () => this.watches.delete(end));
        return;
      }
      if (method === 'GET' && wantsTable(req.headers.accept)) {
        return this.json(res, 200, toTable(type, this.api.select(type, namespace, filter), String(this.store.resourceVersion), q.get('includeObject')));
      }
      if (method === 'GET') return this.json(res, 200, this.list(type, namespace, filter, q, filter.labels.length + filter.fields.length === 0));
      if (method === 'POST') {
        const body = await this.readObject(req, type);
        return this.json(res, 201, this.api.create(type, namespace, body, write));
      }
      if (method === 'DELETE') {
        const items = this.api.select(type, namespace, filter);
        const deleted = items.map((o) => this.api.delete(type, o.metadata.namespace, o.metadata.name as string, { dryRun }));
        return this.json(res, 200, this.listBody(type, deleted.map(stripType), undefined));
      }
      throw methodNotAllowed(method, url.pathname);
    }

    if (subresource === 'scale') return this.scale(req, res, method, route, write);
    const status = subresource === 'status' ? { ...write, subresource: 'status' as const } : write;
    if (method === 'GET' && !subresource && wantsTable(req.headers.accept)) {
      const one = this.api.get(type, namespace, name);
      return this.json(res, 200, toTable(type, [one], one.metadata.resourceVersion ?? '', q.get('includeObject')));
    }
    if (method === 'GET') return this.json(res, 200, this.api.get(type, namespace, name));
    if (method === 'PUT') {
      const body = await this.readObject(req, type);
      return this.json(res, 200, this.api.update(type, namespace, name, body, status));
    }
    if (method === 'PATCH') {
      const patchType = patchTypeOf(req.headers['content-type']);
      const patch = parsePatchBody(patchType, await this.readText(req));
      const existed = this.api.find(type, namespace, name) !== undefined;
      const result = this.api.patch(type, namespace, name, patchType, patch, status);
      return this.json(res, existed ? 200 : 201, result);
    }
    if (method === 'DELETE' && !subresource) {
      const text = await this.readText(req);
      const options = text.trim() ? (this.parseJson(text) as Record<string, unknown>) : {};
      const optDry = Array.isArray(options.dryRun) && options.dryRun.includes('All');
      const policy = (q.get('propagationPolicy') ?? options.propagationPolicy) as 'Background' | 'Foreground' | 'Orphan' | undefined;
      const deleted = this.api.delete(type, namespace, name, {
        dryRun: dryRun || optDry,
        propagationPolicy: policy,
        preconditions: options.preconditions as { uid?: string; resourceVersion?: string },
      });
      if (type.returnsDeleted) return this.json(res, 200, deleted);
      const details = type.group
        ? { name, group: type.group, kind: type.plural, uid: deleted.metadata.uid }
        : { name, kind: type.plural, uid: deleted.metadata.uid };
      return this.json(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
    }
    throw methodNotAllowed(method, url.pathname);
  }

  /**
   * `/openapi/v2`: a Swagger 2.0 document without definitions (like the v3 documents, schemas are left out). kubectl
   * reads it, as protobuf, to validate on the client what no v3 document covers: the items of a `kind: List`.
   * With no definition for a kind, kubectl skips its own check and the server validates (Strict field validation).
   */
  private openApiV2(req: IncomingMessage, res: ServerResponse): void {
    // kubectl asks with the deprecated `...spec.v2@v1.0+protobuf`; kube-openapi answers with the current name.
    if (/application\/com\.github\.proto-openapi\.spec\.v2/.test(req.headers.accept ?? '')) {
      const body = openApiV2Protobuf();
      res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': body.length });
      return void res.end(body);
    }
    this.json(res, 200, OPENAPI_V2);
  }

  /** Maps a path onto a resource route, or undefined when it names nothing served. */
  private route(parts: string[]): Route | undefined {
    let group: ApiGroup;
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') {
      group = '';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && STORED_GROUPS.includes(parts[1] as Exclude<ApiGroup, ''>) && parts[2] === 'v1') {
      group = parts[1] as ApiGroup;
      rest = parts.slice(3);
    } else {
      return undefined;
    }
    if (rest[0] === 'watch') {
      const watched = this.route([...parts.slice(0, parts.length - rest.length), ...rest.slice(1)]);
      return watched && !watched.subresource && rest.length > 1 ? { ...watched, watchPath: true } : undefined;
    }
    if (rest.length === 0) return undefined;
    if (group === '' && rest[0] === 'namespaces' && rest.length >= 3 && byPlural('', rest[2])?.namespaced) {
      const type = byPlural('', rest[2]) as ResourceType;
      return this.sub(type, rest[1], rest[3], rest[4], rest.length <= 5);
    }
    if (group !== '' && rest[0] === 'namespaces' && rest.length >= 3) {
      const type = byPlural(group, rest[2]);
      if (!type) return undefined;
      return this.sub(type, rest[1], rest[3], rest[4], rest.length <= 5);
    }
    const type = byPlural(group, rest[0]);
    if (!type || rest.length > 3) return undefined;
    if (type.namespaced && rest.length > 1) return undefined;
    return this.sub(type, undefined, rest[1], rest[2], true);
  }

  private sub(type: ResourceType, namespace: string | undefined, name: string | undefined, subresource: string | undefined, ok: boolean): Route | undefined {
    if (!ok) return undefined;
    if (subresource !== undefined && !type.subresources.includes(subresource as 'status')) return undefined;
    return { type, namespace, name, subresource };
  }

  /** `dryRun=All`, or the 422 the apiserver gives any other value (on the options type of the verb). */
  private dryRun(values: string[], method: string): boolean {
    if (values.some((v) => v !== 'All')) {
      const kind = ({ POST: 'CreateOptions', PUT: 'UpdateOptions', PATCH: 'PatchOptions', DELETE: 'DeleteOptions' } as const)[method as 'POST'];
      if (kind) throw invalidOptions(kind, [unsupportedValue('dryRun', values, ['All'])]);
    }
    return values.length > 0;
  }

  /** A list page; `remainingItemCount` only without selectors, as the apiserver can only count the whole collection. */
  private list(type: ResourceType, namespace: string | undefined, filter: ObjectFilter, q: URLSearchParams, unfiltered: boolean): object {
    let items = this.api.select(type, namespace, filter);
    const limit = q.has('limit') ? Number(q.get('limit')) : 0;
    const token = q.get('continue');
    let rv = this.store.resourceVersion;
    if (token) {
      let cont: { rv: number; after: string };
      try {
        cont = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: number; after: string };
      } catch {
        throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      }
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > cont.after);
      rv = cont.rv;
    }
    let next: string | undefined;
    let remaining: number | undefined;
    if (limit > 0 && items.length > limit) {
      if (unfiltered) remaining = items.length - limit;
      items = items.slice(0, limit);
      const last = items[items.length - 1];
      next = Buffer.from(JSON.stringify({ rv, after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
    }
    return this.listBody(type, items.map(stripType), rv, next, remaining);
  }

  private listBody(type: ResourceType, items: object[], rv: number | undefined, next?: string, remaining?: number): object {
    const metadata: Record<string, unknown> = { resourceVersion: String(rv ?? this.store.resourceVersion) };
    if (next) metadata.continue = next;
    if (remaining !== undefined) metadata.remainingItemCount = remaining;
    return { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata, items };
  }

  /** The autoscaling/v1 Scale view of a Deployment, ReplicaSet or StatefulSet. */
  private async scale(req: IncomingMessage, res: ServerResponse, method: string, route: Route, write: WriteOptions): Promise<void> {
    const { type, namespace, name } = route as Required<Pick<Route, 'type' | 'name'>> & Route;
    const toScale = (o: KubeObject) => {
      const spec = o.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
      const status = (o.status ?? {}) as { replicas?: number };
      return {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: {
          name: o.metadata.name,
          namespace: o.metadata.namespace,
          uid: o.metadata.uid,
          resourceVersion: o.metadata.resourceVersion,
          creationTimestamp: o.metadata.creationTimestamp,
        },
        spec: { replicas: spec.replicas ?? 0 },
        status: {
          replicas: status.replicas ?? 0,
          selector: Object.entries(spec.selector?.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        },
      };
    };
    const current = this.api.get(type, namespace, name);
    if (method === 'GET') return this.json(res, 200, toScale(current));
    let scale: Record<string, unknown>;
    if (method === 'PUT') scale = (await this.readObject(req)) as Record<string, unknown>;
    else if (method === 'PATCH') {
      const patchType = patchTypeOf(req.headers['content-type']);
      scale = applyPatch(patchType, toScale(current), parsePatchBody(patchType, await this.readText(req))) as Record<string, unknown>;
    } else throw methodNotAllowed(method, `${type.plural}/scale`);
    const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number') throw badRequest('Scale spec.replicas must be a number');
    const rv = (scale.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    const next = clone(current);
    (next.spec as { replicas?: number }).replicas = replicas;
    if (rv) next.metadata.resourceVersion = rv;
    return this.json(res, 200, toScale(this.api.update(type, namespace, name, next, write)));
  }

  private async readText(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private parseJson(text: string, type?: ResourceType): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      // The apiserver's wording around the JSON parser's own (Go's parser words its errors differently).
      const what = `couldn't get version/kind; json parse error: ${(err as Error).message} (${text.slice(0, 50)})`;
      throw badRequest(type ? `the object provided is unrecognized (must be of type ${type.kind}): ${what}` : what);
    }
  }

  private async readObject(req: IncomingMessage, type?: ResourceType): Promise<unknown> {
    const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
    const text = await this.readText(req);
    if (contentType === 'application/json' || contentType === '') return this.parseJson(text, type);
    if (contentType === 'application/yaml') {
      try {
        return parseYaml(text);
      } catch (err) {
        throw badRequest(`error decoding YAML: ${(err as Error).message}`);
      }
    }
    throw unsupportedMediaType(contentType, ['application/json', 'application/yaml']);
  }
}

const OPENAPI_V2 = { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.36.3' }, paths: {}, definitions: {} };

/** OPENAPI_V2 as the gnostic `openapi_v2.Document` protobuf kubectl decodes: swagger (1) and info (2: title 1, version 2). */
function openApiV2Protobuf(): Buffer {
  const field = (no: number, bytes: Buffer) => Buffer.concat([Buffer.from([(no << 3) | 2, bytes.length]), bytes]);
  const info = Buffer.concat([field(1, Buffer.from(OPENAPI_V2.info.title)), field(2, Buffer.from(OPENAPI_V2.info.version))]);
  return Buffer.concat([field(1, Buffer.from(OPENAPI_V2.swagger)), field(2, info)]);
}

/** List items carry no kind/apiVersion on the wire (typed lists omit TypeMeta). */
function stripType(o: KubeObject): object {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

/** The apiserver's default field manager: the user agent up to its first '/'. */
function managerFromAgent(agent: string | undefined): string {
  const name = (agent ?? '').split('/')[0].trim();
  return name || 'unknown';
}
