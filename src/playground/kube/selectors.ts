import { badRequest } from './errors.js';
import type { ResourceType } from './resources.js';
import type { KubeObject, LabelSelector } from './types.js';

/** One requirement of a label selector (apimachinery `labels.Requirement`). */
export interface LabelRequirement {
  key: string;
  op: 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
  values: string[];
}

/** A parsed selector: every requirement must hold. An empty selector matches everything. */
export type Requirements = LabelRequirement[];

type Token = 'end' | 'error' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
const LITERALS: Record<string, Token> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};
const isSpecial = (ch: string) => '=!(),><'.includes(ch);
const isSpace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** apimachinery's label selector lexer: identifiers, keywords (in, notin) and the operator symbols. */
function lex(input: string): Array<{ tok: Token; lit: string }> {
  const items: Array<{ tok: Token; lit: string }> = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isSpace(input[pos])) pos++;
    if (pos >= input.length) {
      items.push({ tok: 'end', lit: '' });
      return items;
    }
    if (isSpecial(input[pos])) {
      let buffer = '';
      let last: { tok: Token; lit: string } | undefined;
      while (pos < input.length && isSpecial(input[pos])) {
        buffer += input[pos];
        const tok = LITERALS[buffer];
        if (tok) {
          last = { tok, lit: buffer };
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    const start = pos;
    while (pos < input.length && !isSpecial(input[pos]) && !isSpace(input[pos])) pos++;
    const word = input.slice(start, pos);
    items.push({ tok: word === 'in' || word === 'notin' ? word : 'id', lit: word });
  }
}

/**
 * Parses the `labelSelector` query syntax as apimachinery's `labels.Parse` does (the same lexer and
 * recursive descent, and its error messages): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * `a>1`, `a<1`, comma-separated. Throws a 400 with the parser's message on bad syntax, as the apiserver does.
 */
export function parseLabelSelector(text: string | null | undefined): Requirements {
  const items = lex(text ?? '');
  let position = 0;
  // In a value position, the keywords are plain identifiers (`a in (in)`).
  const asValue = (t: Token): Token => (t === 'in' || t === 'notin' ? 'id' : t);
  const lookahead = (values: boolean) => ({ tok: values ? asValue(items[position].tok) : items[position].tok, lit: items[position].lit });
  const consume = (values: boolean) => {
    const item = lookahead(values);
    position++;
    return item;
  };
  const fail = (message: string) => badRequest(message);

  const parseValues = (): string[] => {
    const open = consume(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const first = lookahead(true);
    if (first.tok === ')') {
      consume(true);
      return [''];
    }
    if (first.tok !== 'id' && first.tok !== ',') throw new Error(`found '${first.lit}', expected: ',', ')' or identifier`);
    const values = new Set<string>();
    for (;;) {
      const item = consume(true);
      if (item.tok === 'id') {
        values.add(item.lit);
        const next = lookahead(true);
        if (next.tok === ',') continue;
        if (next.tok === ')') break;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      } else if (item.tok === ',') {
        if (values.size === 0) values.add('');
        const next = lookahead(true);
        if (next.tok === ')') {
          values.add('');
          break;
        }
        if (next.tok === ',') values.add('');
      } else {
        throw new Error(`found '${item.lit}', expected: ',', or identifier`);
      }
    }
    if (consume(true).tok !== ')') throw new Error(`found '${first.lit}', expected: ')'`);
    return [...values].sort();
  };

  const parseRequirement = (): LabelRequirement => {
    let item = consume(true);
    let negated = false;
    if (item.tok === '!') {
      negated = true;
      item = consume(true);
    }
    if (item.tok !== 'id') throw new Error(`found '${item.lit}', expected: identifier`);
    const key = item.lit;
    const next = lookahead(true).tok;
    if (negated || next === 'end' || next === ',') {
      if (negated) return { key, op: '!exists', values: [] };
      return { key, op: 'exists', values: [] };
    }
    const operator = consume(false);
    const ops: Partial<Record<Token, LabelRequirement['op']>> = { in: 'in', notin: 'notin', '=': '=', '==': '=', '!=': '!=', '>': 'gt', '<': 'lt' };
    const op = ops[operator.tok];
    if (!op) throw new Error(`found '${operator.lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    if (op === 'in' || op === 'notin') return { key, op, values: parseValues().filter((v) => v !== '') };
    const value = lookahead(true);
    if (value.tok === 'end' || value.tok === ',') return { key, op, values: [''] };
    const taken = consume(true);
    if (taken.tok !== 'id') throw new Error(`found '${taken.lit}', expected: identifier`);
    return { key, op, values: [taken.lit] };
  };

  const out: Requirements = [];
  for (;;) {
    const { tok, lit } = lookahead(true);
    if (tok === 'end') return out;
    if (tok !== 'id' && tok !== '!') throw fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
    try {
      out.push(parseRequirement());
    } catch (err) {
      throw fail(`unable to parse requirement: ${(err as Error).message}`);
    }
    const after = consume(true);
    if (after.tok === 'end') return out;
    if (after.tok !== ',') throw fail(`found '${after.lit}', expected: ',' or 'end of string'`);
    const following = lookahead(true);
    if (following.tok !== 'id' && following.tok !== '!') throw fail(`found '${following.lit}', expected: identifier after ','`);
  }
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
      case 'gt':
      case 'lt': {
        const have = Number.parseInt(l[r.key] ?? '', 10);
        const want = Number.parseInt(r.values[0] ?? '', 10);
        if (!has || Number.isNaN(have) || Number.isNaN(want)) return false;
        return r.op === 'gt' ? have > want : have < want;
      }
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
type Getter = (o: KubeObject) => unknown;
const NAME: Record<string, Getter> = { 'metadata.name': (o) => o.metadata.name ?? '' };
const NAMESPACED: Record<string, Getter> = { ...NAME, 'metadata.namespace': (o) => o.metadata.namespace ?? '' };
const spec = (o: KubeObject) => (o.spec ?? {}) as Record<string, unknown>;
const status = (o: KubeObject) => (o.status ?? {}) as Record<string, unknown>;
const involved = (o: KubeObject) => (o.involvedObject ?? {}) as Record<string, string>;

/**
 * The field selectors each type accepts, as registered in k8s.io/kubernetes pkg/apis/core/v1/conversion.go:
 * core types with their own list answer `field label not supported: X`; the others (ConfigMaps and every
 * apps/v1 type) accept only metadata.name and metadata.namespace, with apimachinery's default message.
 */
const FIELDS: Record<string, { own: boolean; fields: Record<string, Getter> }> = {
  pods: {
    own: true,
    fields: {
      ...NAMESPACED,
      'spec.nodeName': (o) => spec(o).nodeName ?? '',
      'spec.host': (o) => spec(o).nodeName ?? '',
      'spec.restartPolicy': (o) => spec(o).restartPolicy ?? '',
      'spec.schedulerName': (o) => spec(o).schedulerName ?? '',
      'spec.serviceAccountName': (o) => spec(o).serviceAccountName ?? '',
      'spec.hostNetwork': (o) => String(spec(o).hostNetwork ?? false),
      'status.phase': (o) => status(o).phase ?? '',
      'status.podIP': (o) => status(o).podIP ?? '',
      'status.podIPs': (o) => ((status(o).podIPs as Array<{ ip: string }> | undefined) ?? []).map((i) => i.ip).join(','),
      'status.nominatedNodeName': (o) => status(o).nominatedNodeName ?? '',
    },
  },
  nodes: { own: true, fields: { ...NAME, 'spec.unschedulable': (o) => String(spec(o).unschedulable ?? false) } },
  events: {
    own: true,
    fields: {
      ...NAMESPACED,
      'involvedObject.kind': (o) => involved(o).kind ?? '',
      'involvedObject.namespace': (o) => involved(o).namespace ?? '',
      'involvedObject.name': (o) => involved(o).name ?? '',
      'involvedObject.uid': (o) => involved(o).uid ?? '',
      'involvedObject.apiVersion': (o) => involved(o).apiVersion ?? '',
      'involvedObject.resourceVersion': (o) => involved(o).resourceVersion ?? '',
      'involvedObject.fieldPath': (o) => involved(o).fieldPath ?? '',
      reason: (o) => o.reason ?? '',
      reportingComponent: (o) => o.reportingComponent ?? '',
      source: (o) => (o.source as Record<string, string>)?.component ?? '',
      type: (o) => o.type ?? '',
    },
  },
  secrets: { own: true, fields: { ...NAMESPACED, type: (o) => o.type ?? '' } },
  namespaces: { own: true, fields: { ...NAME, 'status.phase': (o) => status(o).phase ?? '' } },
};

function fieldsOf(type: ResourceType): { own: boolean; fields: Record<string, Getter> } {
  return FIELDS[type.plural] ?? { own: false, fields: NAMESPACED };
}

/** Parses `fieldSelector` (`a=b,c!=d`); a field the type does not support is a 400 with the apiserver's message. */
export function parseFieldSelector(text: string | null | undefined, type: ResourceType): FieldRequirement[] {
  const input = (text ?? '').trim();
  if (input === '') return [];
  const { own, fields } = fieldsOf(type);
  return input.split(',').map((part) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    const field = m[1];
    if (!fields[field]) {
      throw badRequest(own ? `field label not supported: ${field}` : `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3] };
  });
}

export function fieldValue(object: KubeObject, field: string, type: ResourceType): string {
  return String(fieldsOf(type).fields[field]?.(object) ?? '');
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
