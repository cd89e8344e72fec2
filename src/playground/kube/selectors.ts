import { badRequest } from './errors.js';
import type { ResourceType } from './resources.js';
import type { KubeObject, LabelSelector } from './types.js';

/** One requirement of a label selector (apimachinery `labels.Requirement`). */
export interface LabelRequirement {
  key: string;
  op: 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin';
  values: string[];
}

/** A parsed selector: every requirement must hold. An empty selector matches everything. */
export type Requirements = LabelRequirement[];

/**
 * Parses the `labelSelector` query syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, comma-separated. Throws a 400 on bad syntax, as the apiserver does.
 */
export function parseLabelSelector(text: string | null | undefined): Requirements {
  const input = (text ?? '').trim();
  if (input === '') return [];
  const out: Requirements = [];
  let i = 0;
  const fail = (why: string) => badRequest(`unable to parse requirement: ${why}: ${JSON.stringify(input)}`);
  const skip = () => {
    while (input[i] === ' ') i++;
  };
  const word = () => {
    skip();
    const start = i;
    while (i < input.length && /[A-Za-z0-9._\-/]/.test(input[i])) i++;
    return input.slice(start, i);
  };
  while (i < input.length) {
    skip();
    let negated = false;
    if (input[i] === '!') {
      negated = true;
      i++;
    }
    const key = word();
    if (!key) throw fail('found no key');
    skip();
    if (negated) {
      out.push({ key, op: '!exists', values: [] });
    } else if (i >= input.length || input[i] === ',') {
      out.push({ key, op: 'exists', values: [] });
    } else if (input.startsWith('!=', i)) {
      i += 2;
      out.push({ key, op: '!=', values: [word()] });
    } else if (input.startsWith('==', i)) {
      i += 2;
      out.push({ key, op: '=', values: [word()] });
    } else if (input[i] === '=') {
      i += 1;
      out.push({ key, op: '=', values: [word()] });
    } else {
      const op = word();
      if (op !== 'in' && op !== 'notin') throw fail(`found '${op}', expected: in, notin, =, ==, !=`);
      skip();
      if (input[i] !== '(') throw fail("found no '(' after the set operator");
      i++;
      const values: string[] = [];
      for (;;) {
        values.push(word());
        skip();
        if (input[i] === ',') {
          i++;
          continue;
        }
        if (input[i] === ')') {
          i++;
          break;
        }
        throw fail("found no ')' closing the set");
      }
      out.push({ key, op, values: values.filter((v) => v !== '') });
    }
    skip();
    if (i < input.length) {
      if (input[i] !== ',') throw fail(`unexpected '${input[i]}'`);
      i++;
    }
  }
  return out;
}

export function matchesRequirements(requirements: Requirements, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && l[r.key] === r.values[0];
      case '!=':
        return !has || l[r.key] !== r.values[0];
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
    }
    return false;
  });
}

/** A workload's `spec.selector` (matchLabels + matchExpressions) as requirements. */
export function selectorRequirements(selector: LabelSelector | undefined): Requirements {
  const out: Requirements = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) out.push({ key, op: '=', values: [value] });
  for (const e of selector?.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' } as const)[e.operator as 'In'];
    if (op) out.push({ key: e.key, op, values: e.values ?? [] });
  }
  return out;
}

/** Whether labels match a LabelSelector object. A null selector matches nothing; an empty one everything. */
export function matchesSelector(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  return matchesRequirements(selectorRequirements(selector), labels);
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Fields each type can be selected on, besides metadata.name and metadata.namespace. */
const FIELDS: Record<string, Record<string, (o: KubeObject) => unknown>> = {
  pods: {
    'spec.nodeName': (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName ?? '',
    'spec.restartPolicy': (o) => (o.spec as { restartPolicy?: string } | undefined)?.restartPolicy ?? '',
    'spec.serviceAccountName': (o) => (o.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '',
    'status.phase': (o) => (o.status as { phase?: string } | undefined)?.phase ?? '',
    'status.podIP': (o) => (o.status as { podIP?: string } | undefined)?.podIP ?? '',
  },
  events: {
    'involvedObject.kind': (o) => (o.involvedObject as Record<string, string>)?.kind ?? '',
    'involvedObject.namespace': (o) => (o.involvedObject as Record<string, string>)?.namespace ?? '',
    'involvedObject.name': (o) => (o.involvedObject as Record<string, string>)?.name ?? '',
    'involvedObject.uid': (o) => (o.involvedObject as Record<string, string>)?.uid ?? '',
    'involvedObject.apiVersion': (o) => (o.involvedObject as Record<string, string>)?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => (o.involvedObject as Record<string, string>)?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => (o.involvedObject as Record<string, string>)?.fieldPath ?? '',
    reason: (o) => o.reason ?? '',
    reportingComponent: (o) => o.reportingComponent ?? '',
    source: (o) => (o.source as Record<string, string>)?.component ?? '',
    type: (o) => o.type ?? '',
  },
  secrets: { type: (o) => o.type ?? '' },
  namespaces: { 'status.phase': (o) => (o.status as { phase?: string } | undefined)?.phase ?? '' },
  replicasets: { 'status.replicas': (o) => String((o.status as { replicas?: number } | undefined)?.replicas ?? 0) },
};

/** Parses `fieldSelector` (`a=b,c!=d`); unknown fields of the type are a 400, as on the apiserver. */
export function parseFieldSelector(text: string | null | undefined, type: ResourceType): FieldRequirement[] {
  const input = (text ?? '').trim();
  if (input === '') return [];
  return input.split(',').map((part) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    const field = m[1];
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !FIELDS[type.plural]?.[field]) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3] };
  });
}

export function fieldValue(object: KubeObject, field: string, type: ResourceType): string {
  if (field === 'metadata.name') return object.metadata.name ?? '';
  if (field === 'metadata.namespace') return object.metadata.namespace ?? '';
  return String(FIELDS[type.plural]?.[field]?.(object) ?? '');
}

export function matchesFields(requirements: FieldRequirement[], object: KubeObject, type: ResourceType): boolean {
  return requirements.every((r) => (fieldValue(object, r.field, type) === r.value) === (r.op === '='));
}

/** A list/watch filter from the query: label selector plus field selector. */
export interface ObjectFilter {
  labels: Requirements;
  fields: FieldRequirement[];
}

export function matchesFilter(filter: ObjectFilter, object: KubeObject, type: ResourceType): boolean {
  return matchesRequirements(filter.labels, object.metadata.labels) && matchesFields(filter.fields, object, type);
}
