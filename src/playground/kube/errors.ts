import { qualifiedKind, qualifiedResource, type ResourceType } from './resources.js';

/** One field problem inside a 422 Invalid (metav1.StatusCause). */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** metav1.Status, the body of every API error. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** An API error that the server turns into a `Status` response with its HTTP code. */
export class ApiError extends Error {
  /** Response headers that come with this error (the authorization 403's `X-Content-Type-Options`). */
  headers?: Record<string, string>;

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  status(): Status {
    const body: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    // An internal error (500) carries no reason.
    if (!this.reason) delete body.reason;
    if (this.details) body.details = this.details;
    return body;
  }
}

function details(type: ResourceType, name: string): StatusDetails {
  return type.group ? { name, group: type.group, kind: type.plural } : { name, kind: type.plural };
}

export function notFound(type: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, details(type, name));
}

export function alreadyExists(type: ResourceType, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(type)} "${name}" already exists`, details(type, name));
}

export function conflict(
  type: ResourceType,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": ${why}`, details(type, name));
}

/** 422 with the apiserver's message shape: `Kind "name" is invalid: field: message` (bracketed when several). */
export function invalid(type: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind(type)} "${name}" is invalid: ${list}`, { ...details(type, name), kind: type.kind, causes });
}

/** 422 on a request's options (`dryRun`, `fieldManager`): `CreateOptions.meta.k8s.io "" is invalid: ...`. */
export function invalidOptions(kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions', causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  return new ApiError(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`, {
    group: 'meta.k8s.io',
    kind,
    causes,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType || 'none'}) - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function methodNotAllowed(method: string, what: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method} ${what})`);
}

export function forbidden(message: string): ApiError {
  return new ApiError(403, 'Forbidden', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** The 410 of a watch or list from a resourceVersion the watch cache no longer holds. */
export function expired(requested: number, oldest: number): ApiError {
  return new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

export function cause(field: string, reason: string, message: string): StatusCause {
  return { reason, message, field };
}

export const required = (field: string, why = ''): StatusCause => cause(field, 'FieldValueRequired', `Required value${why ? `: ${why}` : ''}`);
export const invalidValue = (field: string, value: unknown, why: string): StatusCause =>
  cause(field, 'FieldValueInvalid', `Invalid value: ${JSON.stringify(value)}: ${why}`);
export const forbiddenField = (field: string, why: string): StatusCause => cause(field, 'FieldValueForbidden', `Forbidden: ${why}`);
export const unsupportedValue = (field: string, value: unknown, allowed: string[]): StatusCause =>
  cause(field, 'FieldValueNotSupported', `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`);
