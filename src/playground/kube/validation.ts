import { pathSegmentErrors } from './authorization.js';
import { forbiddenField, invalid, invalidValue, required, unsupportedValue, cause, type StatusCause } from './errors.js';
import { RBAC_GROUP, type ResourceType } from './resources.js';
import { matchesSelector } from './selectors.js';
import { deepEqual, isObject, type Container, type KubeObject, type LabelSelector, type PodSpec } from './types.js';

/**
 * The subset of apiserver validation (pkg/apis/*\/validation) that clients of this project can
 * trip over: names, labels, ConfigMap/Secret keys and size, immutability, pod templates, selectors,
 * rolling-update parameters and immutable fields. Problems become one 422 Invalid listing causes.
 */

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const MAX_CONFIG_BYTES = 1024 * 1024;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function checkName(field: string, name: string, label: boolean, out: StatusCause[]): void {
  const re = label ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  const max = label ? 63 : 253;
  if (name.length > max) out.push(invalidValue(field, name, `must be no more than ${max} characters`));
  else if (!re.test(name)) out.push(invalidValue(field, name, label ? LABEL_MSG : SUBDOMAIN_MSG));
}

/** apimachinery's RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 're')`. */
function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`;
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** content.IsLabelKey: an optional DNS subdomain prefix and a name part. */
function labelKeyErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  if (parts.length > 2)
    return [
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    if (prefix === '') errs.push('prefix part must be non-empty');
    else if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
    else if (!DNS1123_SUBDOMAIN.test(prefix)) errs.push(`prefix part ${SUBDOMAIN_MSG}`);
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 bytes');
  if (!LABEL_NAME.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** content.IsLabelValue. */
function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 bytes');
  if (!LABEL_VALUE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, `(${LABEL_KEY_FMT})?`, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** ValidateLabels: one cause per problem, keys and values both reported on the map's path. */
function checkLabels(field: string, labels: unknown, out: StatusCause[]): void {
  if (labels === undefined) return;
  if (!isObject(labels)) return void out.push(invalidValue(field, labels, 'must be a map of strings'));
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of labelKeyErrors(k)) out.push(invalidValue(field, k, msg));
    if (typeof v !== 'string') out.push(invalidValue(field, v, 'must be a string'));
    else for (const msg of labelValueErrors(v)) out.push(invalidValue(field, v, msg));
  }
}

function checkStringMap(field: string, value: unknown, out: StatusCause[]): void {
  if (value === undefined) return;
  if (!isObject(value)) return void out.push(invalidValue(field, value, 'must be a map of strings'));
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') out.push(invalidValue(`${field}[${k}]`, v, 'must be a string'));
}

function checkConfigKeys(field: string, data: unknown, out: StatusCause[]): number {
  if (!isObject(data)) return 0;
  let bytes = 0;
  for (const [k, v] of Object.entries(data)) {
    if (!CONFIG_KEY.test(k) || k.length > 253)
      out.push(
        invalidValue(
          `${field}[${k}]`,
          k,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ),
      );
    if (typeof v !== 'string') out.push(invalidValue(`${field}[${k}]`, v, 'must be a string'));
    else bytes += Buffer.byteLength(v);
  }
  return bytes;
}

function checkContainers(field: string, list: unknown, requiredList: boolean, volumes: Set<string>, out: StatusCause[]): void {
  if (list === undefined || (Array.isArray(list) && list.length === 0)) {
    if (requiredList) out.push(required(field));
    return;
  }
  if (!Array.isArray(list)) return void out.push(invalidValue(field, list, 'must be a list'));
  const names = new Set<string>();
  list.forEach((c: Container, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(c)) return void out.push(invalidValue(f, c, 'must be an object'));
    if (!c.name) out.push(required(`${f}.name`));
    else {
      checkName(`${f}.name`, c.name, true, out);
      if (names.has(c.name)) out.push(cause(`${f}.name`, 'FieldValueDuplicate', `Duplicate value: "${c.name}"`));
      names.add(c.name);
    }
    if (!c.image) out.push(required(`${f}.image`));
    (c.env ?? []).forEach((e, j) => {
      if (!e?.name) out.push(required(`${f}.env[${j}].name`));
      else if (!ENV_NAME.test(e.name))
        out.push(
          invalidValue(
            `${f}.env[${j}].name`,
            e.name,
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
          ),
        );
      if (e?.valueFrom && e.value !== undefined && e.value !== '')
        out.push(invalidValue(`${f}.env[${j}].valueFrom`, '', 'may not be specified when `value` is not empty'));
    });
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!m?.name) out.push(required(`${f}.volumeMounts[${j}].name`));
      else if (!volumes.has(m.name)) out.push(cause(`${f}.volumeMounts[${j}].name`, 'FieldValueNotFound', `Not found: "${m.name}"`));
      if (!m?.mountPath) out.push(required(`${f}.volumeMounts[${j}].mountPath`));
    });
  });
}

/** ValidatePodSpec, the parts that matter here. */
export function validatePodSpec(field: string, spec: unknown, out: StatusCause[], restartPolicies?: string[]): void {
  if (!isObject(spec)) return void out.push(required(field));
  const s = spec as PodSpec;
  const volumes = new Set<string>();
  (s.volumes ?? []).forEach((v, i) => {
    if (!v?.name) return void out.push(required(`${field}.volumes[${i}].name`));
    if (volumes.has(v.name)) out.push(cause(`${field}.volumes[${i}].name`, 'FieldValueDuplicate', `Duplicate value: "${v.name}"`));
    volumes.add(v.name);
  });
  checkContainers(`${field}.containers`, s.containers, true, volumes, out);
  checkContainers(`${field}.initContainers`, s.initContainers, false, volumes, out);
  const policy = (spec as Record<string, unknown>).restartPolicy;
  if (restartPolicies && typeof policy === 'string' && !restartPolicies.includes(policy))
    out.push(unsupportedValue(`${field}.restartPolicy`, policy, restartPolicies));
}

function checkSelectorAndTemplate(spec: Record<string, unknown>, out: StatusCause[]): void {
  const selector = isObject(spec.selector) ? (spec.selector as LabelSelector) : undefined;
  const template = spec.template as { metadata?: { labels?: Record<string, string> }; spec?: unknown } | undefined;
  if (!selector) out.push(required('spec.selector'));
  else if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    out.push(invalidValue('spec.selector', selector, 'empty selector is invalid for deployment'));
  }
  if (!isObject(template)) return void out.push(required('spec.template'));
  checkLabels('spec.template.metadata.labels', template.metadata?.labels, out);
  if (selector && !matchesSelector(selector, template.metadata?.labels)) {
    out.push(invalidValue('spec.template.metadata.labels', template.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  }
  validatePodSpec('spec.template.spec', template.spec, out, ['Always']);
}

function nonNegative(field: string, value: unknown, out: StatusCause[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) out.push(invalidValue(field, value, 'must be greater than or equal to 0'));
}

function intOrPercent(field: string, value: unknown, out: StatusCause[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    nonNegative(field, value, out);
    return value;
  }
  const m = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (!m)
    return void out.push(
      invalidValue(
        field,
        value,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    );
  if (Number(m[1]) > 100) out.push(invalidValue(field, value, 'must not be greater than 100%'));
  return Number(m[1]);
}

function validateWorkloadSpec(type: ResourceType, obj: KubeObject, out: StatusCause[]): void {
  const spec = obj.spec as Record<string, unknown> | undefined;
  if (!isObject(spec)) return void out.push(required('spec'));
  nonNegative('spec.replicas', spec.replicas, out);
  nonNegative('spec.minReadySeconds', spec.minReadySeconds, out);
  checkSelectorAndTemplate(spec, out);
  if (type.kind === 'Deployment') {
    const strategy = (spec.strategy ?? {}) as { type?: string; rollingUpdate?: Record<string, unknown> };
    if (strategy.type !== 'RollingUpdate' && strategy.type !== 'Recreate')
      out.push(unsupportedValue('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']));
    if (strategy.type === 'Recreate' && strategy.rollingUpdate)
      out.push(forbiddenField('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
    if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) {
      const surge = intOrPercent('spec.strategy.rollingUpdate.maxSurge', strategy.rollingUpdate.maxSurge, out);
      const unavailable = intOrPercent('spec.strategy.rollingUpdate.maxUnavailable', strategy.rollingUpdate.maxUnavailable, out);
      if (surge === 0 && unavailable === 0)
        out.push(invalidValue('spec.strategy.rollingUpdate.maxUnavailable', strategy.rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    }
    const deadline = spec.progressDeadlineSeconds as number | undefined;
    if (deadline !== undefined && deadline <= ((spec.minReadySeconds as number | undefined) ?? 0)) {
      out.push(invalidValue('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
    }
  }
  if (type.kind === 'StatefulSet') {
    const strategy = (spec.updateStrategy ?? {}) as { type?: string; rollingUpdate?: { partition?: unknown } };
    if (strategy.type !== 'RollingUpdate' && strategy.type !== 'OnDelete')
      out.push(unsupportedValue('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
    nonNegative('spec.updateStrategy.rollingUpdate.partition', strategy.rollingUpdate?.partition, out);
  }
  if (type.kind === 'DaemonSet') {
    const strategy = (spec.updateStrategy ?? {}) as { type?: string };
    if (strategy.type !== 'RollingUpdate' && strategy.type !== 'OnDelete')
      out.push(unsupportedValue('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
  }
}

/** A Job's pod template, or a CronJob's schedule and job template: restartPolicy OnFailure or Never, as the apiserver requires. */
function validateBatchSpec(type: ResourceType, obj: KubeObject, out: StatusCause[]): void {
  const spec = obj.spec as Record<string, unknown> | undefined;
  if (!isObject(spec)) return void out.push(required('spec'));
  let field = 'spec';
  let jobSpec: Record<string, unknown> | undefined = spec;
  if (type.kind === 'CronJob') {
    if (typeof spec.schedule !== 'string' || spec.schedule.trim() === '') out.push(required('spec.schedule'));
    const jobTemplate = spec.jobTemplate as { spec?: Record<string, unknown> } | undefined;
    field = 'spec.jobTemplate.spec';
    jobSpec = isObject(jobTemplate) && isObject(jobTemplate.spec) ? jobTemplate.spec : undefined;
    if (!jobSpec) return void out.push(required(field));
  }
  const template = jobSpec.template as { spec?: unknown } | undefined;
  if (!isObject(template)) return void out.push(required(`${field}.template`));
  const policy = isObject(template.spec) ? (template.spec as Record<string, unknown>).restartPolicy : undefined;
  if (policy === undefined) out.push(required(`${field}.template.spec.restartPolicy`));
  validatePodSpec(`${field}.template.spec`, template.spec, out, ['OnFailure', 'Never']);
}

/** ValidateSecret's per-type requirements: the keys each built-in Secret type must hold. */
function secretTypeCauses(obj: KubeObject, out: StatusCause[]): void {
  const data = (isObject(obj.data) ? obj.data : {}) as Record<string, string>;
  const need = (key: string) => out.push(required(`data[${key}]`));
  const json = (key: string) => {
    try {
      JSON.parse(Buffer.from(data[key], 'base64').toString('utf8'));
    } catch (err) {
      out.push(invalidValue(`data[${key}]`, '<secret contents redacted>', (err as Error).message));
    }
  };
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata.annotations?.['kubernetes.io/service-account.name']) out.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      if (data['.dockercfg'] === undefined) need('.dockercfg');
      else json('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (data['.dockerconfigjson'] === undefined) need('.dockerconfigjson');
      else json('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (data.username === undefined && data.password === undefined) {
        need('username');
        need('password');
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) need('ssh-privatekey');
      break;
    case 'kubernetes.io/tls':
      if (data['tls.crt'] === undefined) need('tls.crt');
      if (data['tls.key'] === undefined) need('tls.key');
      break;
  }
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

/** ValidatePolicyRule for each rule of a Role (namespaced) or ClusterRole. */
function validateRules(type: ResourceType, obj: KubeObject, out: StatusCause[]): void {
  (Array.isArray(obj.rules) ? (obj.rules as unknown[]) : []).forEach((r, i) => {
    const rule = isObject(r) ? r : {};
    const at = `rules[${i}]`;
    if (stringList(rule.verbs).length === 0) out.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    const urls = stringList(rule.nonResourceURLs);
    if (urls.length > 0) {
      if (type.namespaced) out.push(invalidValue(`${at}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (stringList(rule.apiGroups).length > 0 || stringList(rule.resources).length > 0 || stringList(rule.resourceNames).length > 0)
        out.push(invalidValue(`${at}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      return;
    }
    if (stringList(rule.apiGroups).length === 0) out.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (stringList(rule.resources).length === 0) out.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
  });
  if (type.kind === 'ClusterRole' && isObject(obj.aggregationRule) && stringList(obj.aggregationRule.clusterRoleSelectors).length === 0)
    out.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
}

/** ValidateRoleBinding / ValidateClusterRoleBinding (and, on update, that roleRef never changes). */
function validateBinding(type: ResourceType, obj: KubeObject, old: KubeObject | undefined, out: StatusCause[]): void {
  const ref = (isObject(obj.roleRef) ? obj.roleRef : {}) as { apiGroup?: string; kind?: string; name?: string };
  if (ref.apiGroup !== RBAC_GROUP) out.push(unsupportedValue('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = type.namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind ?? '')) out.push(unsupportedValue('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) out.push(required('roleRef.name'));
  else for (const msg of pathSegmentErrors(ref.name)) out.push(invalidValue('roleRef.name', ref.name, msg));
  (Array.isArray(obj.subjects) ? (obj.subjects as unknown[]) : []).forEach((s, i) => {
    const subject = (isObject(s) ? s : {}) as { kind?: string; apiGroup?: string; name?: string; namespace?: string };
    const at = `subjects[${i}]`;
    if (!subject.name) out.push(required(`${at}.name`));
    switch (subject.kind) {
      case 'ServiceAccount':
        if (subject.name) checkName(`${at}.name`, subject.name, false, out);
        if (subject.apiGroup) out.push(unsupportedValue(`${at}.apiGroup`, subject.apiGroup, ['']));
        // A RoleBinding's ServiceAccount may leave the namespace out: it is then the binding's own.
        if (!type.namespaced && !subject.namespace) out.push(required(`${at}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (subject.apiGroup !== RBAC_GROUP) out.push(unsupportedValue(`${at}.apiGroup`, subject.apiGroup ?? '', [RBAC_GROUP]));
        break;
      default:
        out.push(unsupportedValue(`${at}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
    }
  });
  const was = (old && isObject(old.roleRef) ? old.roleRef : undefined) as typeof ref | undefined;
  if (was && (was.apiGroup !== ref.apiGroup || was.kind !== ref.kind || was.name !== ref.name)) {
    out.push(invalidValue('roleRef', { APIGroup: ref.apiGroup ?? '', Kind: ref.kind ?? '', Name: ref.name ?? '' }, 'cannot change roleRef'));
  }
}

const STS_UPDATABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** Throws a 422 Invalid when the object (after defaulting) is not acceptable; `old` is set on updates. */
export function validate(type: ResourceType, obj: KubeObject, old?: KubeObject): void {
  const out: StatusCause[] = [];
  const name = obj.metadata.name ?? '';
  const config = type.kind === 'ConfigMap' || type.kind === 'Secret';
  // ValidateConfigMapUpdate / ValidateSecretUpdate check what may not change first, then validate the new object.
  if (config && old) {
    const immutableMsg = 'field is immutable when `immutable` is set';
    if (type.kind === 'Secret' && old.type !== obj.type) out.push(invalidValue('type', obj.type, 'field is immutable'));
    if (old.immutable === true) {
      if (obj.immutable !== true) out.push(forbiddenField('immutable', immutableMsg));
      if (!deepEqual(old.data ?? {}, obj.data ?? {})) out.push(forbiddenField('data', immutableMsg));
      if (type.kind === 'ConfigMap' && !deepEqual(old.binaryData ?? {}, obj.binaryData ?? {})) out.push(forbiddenField('binaryData', immutableMsg));
    }
  }
  const rbac = type.group === RBAC_GROUP;
  if (!name) out.push(required('metadata.name', 'name or generateName is required'));
  // RBAC objects may be named like `system:discovery`: ValidateRBACName is the path segment rule.
  else if (rbac) for (const msg of pathSegmentErrors(name)) out.push(invalidValue('metadata.name', name, msg));
  else checkName('metadata.name', name, type.kind === 'Namespace', out);
  checkLabels('metadata.labels', obj.metadata.labels, out);
  checkStringMap('metadata.annotations', obj.metadata.annotations, out);

  if (config) {
    const bytes = checkConfigKeys('data', obj.data, out) + (type.kind === 'ConfigMap' ? checkConfigKeys('binaryData', obj.binaryData, out) : 0);
    if (type.kind === 'ConfigMap' && isObject(obj.data) && isObject(obj.binaryData)) {
      for (const k of Object.keys(obj.data))
        if (Object.hasOwn(obj.binaryData, k)) out.push(invalidValue(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    }
    if (bytes > MAX_CONFIG_BYTES)
      out.push(cause(type.kind === 'Secret' ? 'data' : '', 'FieldValueTooLong', `Too long: may not be more than ${MAX_CONFIG_BYTES} bytes`));
    if (type.kind === 'Secret') secretTypeCauses(obj, out);
  }
  if (type.kind === 'Role' || type.kind === 'ClusterRole') validateRules(type, obj, out);
  if (type.kind === 'RoleBinding' || type.kind === 'ClusterRoleBinding') validateBinding(type, obj, old, out);
  if (type.kind === 'Pod') validatePodSpec('spec', obj.spec, out);
  if (type.kind === 'Job' || type.kind === 'CronJob') validateBatchSpec(type, obj, out);
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(type.kind)) {
    validateWorkloadSpec(type, obj, out);
    if (old && !deepEqual((old.spec as Record<string, unknown>)?.selector, (obj.spec as Record<string, unknown>)?.selector)) {
      out.push(invalidValue('spec.selector', (obj.spec as Record<string, unknown>)?.selector, 'field is immutable'));
    }
    if (old && type.kind === 'StatefulSet') {
      const a = { ...(old.spec as Record<string, unknown>) };
      const b = { ...(obj.spec as Record<string, unknown>) };
      for (const k of STS_UPDATABLE) {
        delete a[k];
        delete b[k];
      }
      if (!deepEqual(a, b)) {
        out.push(forbiddenField('spec', `updates to statefulset spec for fields other than ${STS_UPDATABLE.map((f) => `'${f}'`).join(', ')} are forbidden`));
      }
    }
  }
  if (out.length > 0) throw invalid(type, name, out);
}
