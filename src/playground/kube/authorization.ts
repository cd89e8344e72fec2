import { ApiError, badRequest, cause, type StatusCause } from './errors.js';
import { goQuote, type Attributes, type RbacAuthorizer, type UserInfo } from './rbac.js';
import { isObject, timestamp, type ManagedField } from './types.js';

/**
 * What the apiserver does between authentication and the handlers: the request's authorization attributes
 * (from its path, method and query alone), the 403 of a refused request, and the SelfSubjectAccessReview API,
 * all as kube-apiserver words them.
 */

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** ListOptions' `watch`, decoded as apimachinery decodes a bool query parameter: anything but 0, f or false. */
export function isWatch(query: URLSearchParams): boolean {
  const values = query.getAll('watch');
  if (values.length === 0) return false;
  const v = values[0].toLowerCase();
  return !(v === '0' || v === 'f' || v === 'false');
}

/** content.IsPathSegmentName: not `.` or `..`, no `/` or `%`. */
export function pathSegmentErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/** The value a field selector requires `metadata.name` to equal (fields.Selector.RequiresExactMatch), if it parses and does. */
function exactName(selector: string | null): string | undefined {
  if (!selector) return undefined;
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '\\' && i + 1 < selector.length) {
      current += c + selector[++i];
    } else if (c === ',') {
      terms.push(current);
      current = '';
    } else current += c;
  }
  terms.push(current);
  let found: string | undefined;
  for (const term of terms.sort()) {
    if (term === '') continue;
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) return undefined;
    let value = '';
    for (let i = 0; i < m[3].length; i++) {
      const c = m[3][i];
      if (c !== '\\') {
        value += c;
        continue;
      }
      const next = m[3][++i];
      if (next !== '\\' && next !== ',' && next !== '=') return undefined;
      value += next;
    }
    if (m[2] !== '!=' && m[1] === 'metadata.name' && found === undefined) found = value;
  }
  return found;
}

/** RequestInfoFactory.NewRequestInfo: the attributes the authorizer judges, from the path, method and query alone. */
export function requestAttributes(user: UserInfo, method: string, url: URL): Attributes {
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Kept as sent.
  }
  const info: Attributes = {
    user,
    verb: method.toLowerCase(),
    resourceRequest: false,
    path,
    namespace: '',
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
  };
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  let parts = trimmed === '' ? [] : trimmed.split('/');
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return info;
  const grouped = parts[0] === 'apis';
  parts = parts.slice(1);
  if (grouped) {
    if (parts.length < 3) return info;
    info.apiGroup = parts[0];
    parts = parts.slice(1);
  }
  info.resourceRequest = true;
  info.apiVersion = parts[0];
  parts = parts.slice(1);
  let verb: string;
  if (SPECIAL_VERBS.has(parts[0])) {
    if (parts.length < 2) {
      const uri = `${url.pathname}${url.search}`;
      throw new ApiError(
        500,
        '',
        `Internal Server Error: ${goQuote(uri)}: failed to create RequestInfo: unable to determine kind and namespace from url, ${uri}`,
      );
    }
    verb = parts[0];
    parts = parts.slice(1);
  } else {
    verb = METHOD_VERBS[method] ?? '';
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  if (parts.length >= 3 && verb !== 'proxy') info.subresource = parts[2];
  if (parts.length >= 2) info.name = parts[1];
  info.resource = parts[0] ?? '';
  if (!info.name && verb === 'get') {
    verb = isWatch(url.searchParams) ? 'watch' : 'list';
    const name = exactName(url.searchParams.get('fieldSelector'));
    if (name !== undefined && pathSegmentErrors(name).length === 0) info.name = name;
  }
  if (!info.name && verb === 'delete') verb = 'deletecollection';
  info.verb = verb;
  return info;
}

const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function forbiddenMessage(a: Attributes): string {
  const user = goQuote(a.user.name);
  if (!a.resourceRequest) return `User ${user} cannot ${a.verb} path ${goQuote(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const what = `User ${user} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(a.apiGroup)}`;
  return a.namespace ? `${what} in the namespace ${goQuote(a.namespace)}` : `${what} at the cluster scope`;
}

/** The 403 of a refused request: apierrors.NewForbidden on the group and resource, with the authorizer's reason appended. */
export function forbiddenRequest(a: Attributes, reason: string): ApiError {
  const msg = sanitize(forbiddenMessage(a)) + (reason ? `: ${reason}` : '');
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const message =
    !a.apiGroup && !a.resource ? `forbidden: ${msg}` : a.name ? `${qualified} ${goQuote(a.name)} is forbidden: ${msg}` : `${qualified} is forbidden: ${msg}`;
  const details: Record<string, string> = {};
  if (a.name) details.name = a.name;
  if (a.apiGroup) details.group = a.apiGroup;
  if (a.resource) details.kind = a.resource;
  const err = new ApiError(403, 'Forbidden', message, details);
  err.headers = { 'X-Content-Type-Options': 'nosniff' };
  return err;
}

export const AUTHORIZATION_API_VERSION = 'authorization.k8s.io/v1';
const RESOURCE_FIELDS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;
const NON_RESOURCE_FIELDS = ['path', 'verb'] as const;
/** ObjectMeta's fields in Go order, for the `metadata: Invalid value` of a review that names anything. */
const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
];

const cannotHandle = (why: string) => badRequest(`SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: ${why}`);

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** The string fields of an attributes object as the typed decoder keeps them (empty ones omitted on the way out). */
function decodeAttributes(
  value: unknown,
  goType: 'ResourceAttributes' | 'NonResourceAttributes',
  field: string,
  names: readonly string[],
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value))
    throw cannotHandle(`json: cannot unmarshal ${jsonType(value)} into Go struct field SelfSubjectAccessReviewSpec.spec.${field} of type v1.${goType}`);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw cannotHandle(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${goType}.spec.${field}.${name} of type string`);
    if (v !== '') out[name] = v;
  }
  if (goType === 'ResourceAttributes') for (const sel of ['fieldSelector', 'labelSelector']) if (isObject(value[sel])) out[sel] = value[sel];
  return out;
}

/** The managed fields the apiserver records for the review as sent (spec and any status fields). */
function fieldsOf(spec: Record<string, unknown>, status: unknown): Record<string, unknown> {
  const leaves = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [`f:${k}`, isObject(o[k]) ? { '.': {}, ...leaves(o[k]) } : {}]),
    );
  const fields: Record<string, unknown> = {};
  const specFields = Object.fromEntries(
    Object.entries(spec)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [`f:${k}`, { '.': {}, ...leaves(v as Record<string, unknown>) }]),
  );
  if (Object.keys(specFields).length > 0) fields['f:spec'] = specFields;
  if (isObject(status)) {
    const set = ['allowed', 'denied', 'reason', 'evaluationError'].filter(
      (k) => status[k] !== undefined && status[k] !== null && status[k] !== false && status[k] !== '',
    );
    if (set.length > 0) fields['f:status'] = Object.fromEntries(set.sort().map((k) => [`f:${k}`, {}]));
  }
  return fields;
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

/**
 * POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews: the review as decoded, with the asking user's
 * answer in `status` (allowed, and the authorizer's reason when it gave one; `denied` only on an explicit deny,
 * which RBAC never gives). An invalid spec is the registry's 422, whose kind is empty as the apiserver's is.
 */
export function selfSubjectAccessReview(body: unknown, user: UserInfo, authorizer: RbacAuthorizer, manager: string, now: number): object {
  if (!isObject(body)) throw cannotHandle(`json: cannot unmarshal ${jsonType(body)} into Go value of type v1.SelfSubjectAccessReview`);
  if (body.apiVersion !== undefined && body.apiVersion !== AUTHORIZATION_API_VERSION) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${AUTHORIZATION_API_VERSION})`);
  }
  if (body.kind !== undefined && body.kind !== 'SelfSubjectAccessReview') {
    if (['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'].includes(String(body.kind)))
      throw badRequest(
        `${String(body.kind)} in version "v1" cannot be handled as a SelfSubjectAccessReview: converting (v1.${String(body.kind)}) to (authorization.SelfSubjectAccessReview): unknown conversion`,
      );
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (SelfSubjectAccessReview)`);
  }
  const rawSpec = isObject(body.spec) ? body.spec : {};
  const spec: Record<string, unknown> = {};
  const resourceAttributes = decodeAttributes(rawSpec.resourceAttributes, 'ResourceAttributes', 'resourceAttributes', RESOURCE_FIELDS);
  const nonResourceAttributes = decodeAttributes(rawSpec.nonResourceAttributes, 'NonResourceAttributes', 'nonResourceAttributes', NON_RESOURCE_FIELDS);
  if (resourceAttributes) spec.resourceAttributes = resourceAttributes;
  if (nonResourceAttributes) spec.nonResourceAttributes = nonResourceAttributes;

  const fieldsV1 = fieldsOf(spec, body.status);
  const managedFields: ManagedField[] =
    Object.keys(fieldsV1).length > 0
      ? [{ manager, operation: 'Update', apiVersion: AUTHORIZATION_API_VERSION, time: timestamp(now), fieldsType: 'FieldsV1', fieldsV1 }]
      : [];

  const causes: StatusCause[] = [];
  if (resourceAttributes && nonResourceAttributes) {
    const value = JSON.stringify({ Path: nonResourceAttributes.path ?? '', Verb: nonResourceAttributes.verb ?? '' });
    causes.push(
      cause('spec.nonResourceAttributes', 'FieldValueInvalid', `Invalid value: ${value}: cannot be specified in combination with resourceAttributes`),
    );
  }
  if (!resourceAttributes && !nonResourceAttributes) {
    causes.push(
      cause(
        'spec.resourceAttributes',
        'FieldValueInvalid',
        'Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  }
  const meta = isObject(body.metadata) ? body.metadata : {};
  const named = META_ORDER.filter((k) => !isEmpty(meta[k]));
  if (named.length > 0) {
    const dump = JSON.stringify({ ...Object.fromEntries(named.map((k) => [k, meta[k]])), ...(managedFields.length ? { managedFields } : {}) });
    causes.push(cause('metadata', 'FieldValueInvalid', `Invalid value: ${dump}: must be empty`));
  }
  if (causes.length > 0) {
    const parts = causes.map((c) => `${c.field}: ${c.message}`);
    const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
    throw new ApiError(422, 'Invalid', `.authorization.k8s.io "" is invalid: ${list}`, { group: 'authorization.k8s.io', causes });
  }

  const attributes: Attributes = resourceAttributes
    ? {
        user,
        verb: String(resourceAttributes.verb ?? ''),
        resourceRequest: true,
        path: '',
        namespace: String(resourceAttributes.namespace ?? ''),
        apiGroup: String(resourceAttributes.group ?? ''),
        apiVersion: String(resourceAttributes.version ?? '*'),
        resource: String(resourceAttributes.resource ?? ''),
        subresource: String(resourceAttributes.subresource ?? ''),
        name: String(resourceAttributes.name ?? ''),
      }
    : {
        user,
        verb: String(nonResourceAttributes?.verb ?? ''),
        resourceRequest: false,
        path: String(nonResourceAttributes?.path ?? ''),
        namespace: '',
        apiGroup: '',
        apiVersion: '',
        resource: '',
        subresource: '',
        name: '',
      };
  const decision = authorizer.authorize(attributes);
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: AUTHORIZATION_API_VERSION,
    metadata: managedFields.length ? { managedFields } : {},
    spec,
    status: decision.reason ? { allowed: decision.allowed, reason: decision.reason } : { allowed: decision.allowed },
  };
}
