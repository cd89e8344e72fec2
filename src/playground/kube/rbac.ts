import { RBAC_GROUP, resourceType } from './resources.js';
import type { Store } from './store.js';
import { isObject, type KubeObject } from './types.js';

/**
 * The apiserver's authorizer chain for `--authorization-mode=RBAC`: members of `system:masters` are allowed
 * everything (the privileged-groups authorizer that runs first, with no reason); everyone else is judged by the
 * RBAC authorizer over the stored Roles, ClusterRoles and their bindings, as kube-apiserver's RBAC
 * authorizer does (ClusterRoleBindings first, then the RoleBindings of the request's
 * namespace; the first rule that allows wins and names its binding in the reason; a role that cannot be found
 * is no permission, and its error becomes the reason of a refusal).
 */

/** An authenticated identity. */
export interface UserInfo {
  name: string;
  groups: string[];
}

export const SYSTEM_MASTERS = 'system:masters';
export const SYSTEM_AUTHENTICATED = 'system:authenticated';
const SA_PREFIX = 'system:serviceaccount:';

/** The identity of a token: its username and groups, plus those the apiserver's authenticators add. */
export function userInfo(username: string, groups: string[] = []): UserInfo {
  const sa = username.startsWith(SA_PREFIX) ? username.slice(SA_PREFIX.length).split(':') : [];
  const saGroups = sa.length === 2 && sa[0] && sa[1] ? ['system:serviceaccounts', `system:serviceaccounts:${sa[0]}`] : [];
  return { name: username, groups: [...new Set([...groups, ...saGroups, SYSTEM_AUTHENTICATED])] };
}

/** What is asked (authorizer.Attributes): a resource request, or a non-resource path with a verb. */
export interface Attributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** The URL path, for non-resource requests. */
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
}

/** The chain's answer: allowed, or no opinion (which the apiserver refuses); `reason` as the authorizer gave it. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

const ROLE = resourceType('Role');
const ROLE_BINDING = resourceType('RoleBinding');
const CLUSTER_ROLE = resourceType('ClusterRole');
const CLUSTER_ROLE_BINDING = resourceType('ClusterRoleBinding');

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** How the apiserver matches one rule: verbs and groups equal or `*`; resources equal, `*`, or `*` over the same subresource; names. */
function verbMatches(rule: PolicyRule, verb: string): boolean {
  return strings(rule.verbs).some((v) => v === '*' || v === verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return strings(rule.apiGroups).some((g) => g === '*' || g === group);
}

function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return strings(rule.resources).some(
    (r) => r === '*' || r === combined || (subresource !== '' && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)),
  );
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = strings(rule.resourceNames);
  return names.length === 0 || names.includes(name);
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return strings(rule.nonResourceURLs).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))));
}

export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (a.resourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return (
      verbMatches(rule, a.verb) && apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name)
    );
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

/** Go's %q for the strings that appear in RBAC messages. */
export function goQuote(s: string): string {
  const named: Record<string, string> = {
    '"': '\\"',
    '\\': '\\\\',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\v': '\\v',
  };
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0) ?? 0;
    if (named[c]) out += named[c];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return typeof subject.name === 'string' && user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A RoleBinding's ServiceAccount without a namespace means one of the binding's own namespace.
      const ns = subject.namespace || namespace;
      return ns !== '' && user.name === `${SA_PREFIX}${ns}:${subject.name ?? ''}`;
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${goQuote(`${s.name ?? ''}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind ?? ''} ${goQuote(s.name ?? '')}`;
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated in brackets. */
function aggregate(messages: string[]): string {
  const seen = [...new Set(messages)];
  return seen.length === 1 ? seen[0] : `[${seen.join(', ')}]`;
}

/** Where rules come from: a binding that applies to the user, with its role's rules, or the error resolving its role. */
type Source = { describe: () => string; rules: PolicyRule[] } | { error: string };

export class RbacAuthorizer {
  constructor(private readonly store: Store) {}

  authorize(a: Attributes): Decision {
    if (a.user.groups.includes(SYSTEM_MASTERS)) return { allowed: true, reason: '' };
    const errors: string[] = [];
    for (const source of this.sources(a.user, a.namespace)) {
      if ('error' in source) {
        errors.push(source.error);
        continue;
      }
      if (source.rules.some((rule) => isObject(rule) && ruleAllows(a, rule))) return { allowed: true, reason: `RBAC: allowed by ${source.describe()}` };
    }
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregate(errors)}` : '' };
  }

  /** DefaultRuleResolver.VisitRulesFor: the ClusterRoleBindings, then (with a namespace) that namespace's RoleBindings. */
  private *sources(user: UserInfo, namespace: string): Generator<Source> {
    for (const binding of this.store.list(CLUSTER_ROLE_BINDING)) {
      const subject = subjects(binding).find((s) => appliesToUser(user, s, ''));
      if (!subject) continue;
      const ref = (binding.roleRef ?? {}) as RoleRef;
      const rules = this.roleRefRules(ref, '');
      if (typeof rules === 'string') yield { error: rules };
      else
        yield {
          describe: () =>
            `ClusterRoleBinding ${goQuote(binding.metadata.name ?? '')} of ${ref.kind ?? ''} ${goQuote(ref.name ?? '')} to ${describeSubject(subject, '')}`,
          rules,
        };
    }
    if (!namespace) return;
    for (const binding of this.store.list(ROLE_BINDING, namespace)) {
      const subject = subjects(binding).find((s) => appliesToUser(user, s, namespace));
      if (!subject) continue;
      const ref = (binding.roleRef ?? {}) as RoleRef;
      const rules = this.roleRefRules(ref, namespace);
      if (typeof rules === 'string') yield { error: rules };
      else
        yield {
          describe: () =>
            `RoleBinding ${goQuote(`${binding.metadata.name ?? ''}/${namespace}`)} of ${ref.kind ?? ''} ${goQuote(ref.name ?? '')} to ${describeSubject(subject, namespace)}`,
          rules,
        };
    }
  }

  /** The rules of a roleRef, or the error of its lookup (worded like the informer listers' NotFound). */
  private roleRefRules(ref: RoleRef, namespace: string): PolicyRule[] | string {
    const name = ref.name ?? '';
    if (ref.kind === 'Role') {
      const role = this.store.get(ROLE, namespace, name);
      return role ? rulesOf(role) : `role.${RBAC_GROUP} ${goQuote(name)} not found`;
    }
    if (ref.kind === 'ClusterRole') {
      const role = this.store.get(CLUSTER_ROLE, undefined, name);
      return role ? rulesOf(role) : `clusterrole.${RBAC_GROUP} ${goQuote(name)} not found`;
    }
    return `unsupported role reference kind: ${goQuote(ref.kind ?? '')}`;
  }
}

function subjects(binding: KubeObject): Subject[] {
  return Array.isArray(binding.subjects) ? (binding.subjects as unknown[]).filter(isObject) : [];
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as unknown[]).filter(isObject) : [];
}

const BOOTSTRAP_META = { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } };

/**
 * The part of the apiserver's bootstrap policy that grants anything to users who are not system components:
 * cluster-admin for system:masters, discovery and health paths, self-reviews (system:basic-user) for every
 * authenticated user, and the issuer discovery paths for ServiceAccounts, as the real server creates them at
 * start (with its labels and annotations).
 */
export function bootstrapPolicy(): KubeObject[] {
  const clusterRole = (name: string, rules: PolicyRule[]): KubeObject => ({
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: { name, ...BOOTSTRAP_META },
    rules,
  });
  const binding = (name: string, groups: string[]): KubeObject => ({
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, ...BOOTSTRAP_META },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: groups.map((g) => ({ kind: 'Group', apiGroup: RBAC_GROUP, name: g })),
  });
  const health = ['/healthz', '/livez', '/readyz', '/version', '/version/'];
  return [
    clusterRole('cluster-admin', [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ]),
    clusterRole('system:discovery', [
      {
        verbs: ['get'],
        nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
      },
    ]),
    clusterRole('system:basic-user', [
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ]),
    clusterRole('system:public-info-viewer', [{ verbs: ['get'], nonResourceURLs: health }]),
    clusterRole('system:service-account-issuer-discovery', [
      { verbs: ['get'], nonResourceURLs: ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'] },
    ]),
    binding('cluster-admin', [SYSTEM_MASTERS]),
    binding('system:discovery', [SYSTEM_AUTHENTICATED]),
    binding('system:basic-user', [SYSTEM_AUTHENTICATED]),
    binding('system:public-info-viewer', [SYSTEM_AUTHENTICATED, 'system:unauthenticated']),
    binding('system:service-account-issuer-discovery', ['system:serviceaccounts']),
  ];
}
