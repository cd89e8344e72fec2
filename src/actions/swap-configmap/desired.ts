import { parse, parseAllDocuments } from 'yaml';
import { ActionError, InputError } from '../../core/errors.js';
import { isNamespaceName, isObjectName, NAMESPACE_NAME_RULE, OBJECT_NAME_RULE } from '../../core/kube/names.js';
import type { Masker } from '../../core/runner.js';
import { describeUnresolved, fill, type Filled, type Unresolved } from './placeholders.js';

/**
 * Turns manifests (or the `name`/`data` inputs) into the desired state of each ConfigMap or Secret,
 * with every placeholder filled and every value checked, before any call to the cluster. Pure: file
 * contents, the environment and the masker come in as arguments.
 *
 * Secrets are masked the moment they exist: each secret value is given to `mask` right after it is
 * substituted or decoded, before anything is validated, so no message can show it unmasked; and no
 * message quotes one (an object's name or namespace may not come from a secret variable at all, since
 * they are printed everywhere; any other message is redacted).
 */

/** How to treat secrets while building the desired objects. */
export interface DesiredOptions {
  /** Registers a secret with the runner (`core.maskSecret` in the action); called once per value, as soon as it exists. */
  mask?: Masker;
  /** Variables whose values are secret whatever they are called (input `secret-vars`), besides those named like a secret. */
  secretVars?: Iterable<string>;
}

export type ConfigKind = 'ConfigMap' | 'Secret';

/** What one object should look like after the swap. */
export interface DesiredObject {
  kind: ConfigKind;
  namespace: string;
  name: string;
  /** Where it came from, for messages: `k8s/proxy.yaml (document 1)` or `inputs name/data`. */
  source: string;
  /**
   * `replace`: `data` (and `binaryData`) become the whole data, as in the manifest.
   * `merge`: only the given keys change; a `null` value removes the key.
   */
  mode: 'replace' | 'merge';
  /** ConfigMap: text values. Secret: base64 values, as in the API's `data`. */
  data: Record<string, string | null>;
  /** ConfigMap `binaryData` (base64), replace mode only. */
  binaryData?: Record<string, string>;
  /** Labels and annotations to add (existing ones are kept). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** A Secret's `type` when the manifest states it (it cannot change on an existing Secret). */
  secretType?: string;
  /** Values to mask and to redact from the summary (plain text and, for Secrets, base64). */
  secretValues: string[];
}

/** `ConfigMap/namespace/name`: the key of an object in outputs. */
export function objectKey(o: { kind: string; namespace: string; name: string }): string {
  return `${o.kind}/${o.namespace}/${o.name}`;
}

const KEY = /^[-._a-zA-Z0-9]+$/;
/** The accepted form of input 'data', for its errors. */
const DATA_FORM = 'a YAML mapping of keys to values, one `key: value` per line, e.g. `bootstrap.servers: ${CCLOUD_URL}`';
/** What to do about unresolved placeholders. */
const SET_VARIABLES = "set each variable in the step's `env:` (e.g. `CCLOUD_PASSWD: ${{ secrets.CCLOUD_WEST_PASSWD }}`)";

/** Collects every problem so one error lists them all, and every secret so none is ever shown. */
class Problems {
  readonly list: string[] = [];
  readonly unresolved: Unresolved[] = [];
  readonly secretVars: ReadonlySet<string>;
  private readonly secrets = new Set<string>();
  private readonly mask: Masker;

  constructor(options: DesiredOptions) {
    this.mask = options.mask ?? (() => {});
    this.secretVars = new Set(options.secretVars ?? []);
  }

  add(message: string): void {
    this.list.push(message);
  }

  /** Records secret values on an object's list and masks each new one at once. */
  secret(list: string[], ...values: string[]): void {
    for (const value of values) {
      if (value === '') continue;
      list.push(value);
      if (this.secrets.has(value)) continue;
      this.secrets.add(value);
      this.mask(value);
    }
  }

  /** A message with every known secret replaced by `***` (longest first, so no part of one survives). */
  redact(message: string): string {
    return [...this.secrets].sort((a, b) => b.length - a.length).reduce((text, s) => text.split(s).join('***'), message);
  }
}

/** Input to `desiredFromManifests`: each path with its text. */
export interface ManifestFile {
  path: string;
  text: string;
}

/**
 * Parses every manifest document (multi-document files allowed), fills placeholders, and checks
 * each is a ConfigMap or Secret with a name, a namespace and valid keys. Throws an InputError for a
 * bad `namespace` input, otherwise one ActionError listing every problem of the manifests
 * (unresolved placeholders included) when anything is wrong.
 */
export function desiredFromManifests(
  files: ManifestFile[],
  env: Record<string, string | undefined>,
  namespaceOverride?: string,
  options: DesiredOptions = {},
): DesiredObject[] {
  if (namespaceOverride) checkNamespaceInput(namespaceOverride);
  const problems = new Problems(options);
  const objects: DesiredObject[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(file.text);
    if (!Array.isArray(docs)) continue; // an empty stream
    docs.forEach((doc, i) => {
      const where = docs.length > 1 ? `${file.path} (document ${i + 1})` : file.path;
      if (doc.errors.length) {
        problems.add(`${where} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
        return;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return; // `---` with nothing after it
      const object = fromManifest(value, where, env, namespaceOverride, problems);
      if (object) objects.push(object);
    });
  }
  if (!objects.length && !problems.list.length && !problems.unresolved.length)
    problems.add(`${files.map((f) => f.path).join(', ')} hold no ConfigMap or Secret`);
  checkDuplicates(objects, problems);
  const parts = problemList(problems);
  if (parts.length) {
    throw new ActionError(problems.redact(parts.join('; ')), {
      where: "input 'manifests'",
      fix: `${problems.unresolved.length ? SET_VARIABLES : 'fix the manifests'}; nothing was written`,
    });
  }
  return objects;
}

/**
 * The `name`/`namespace`/`kind`/`data` form: a merge of the given keys into an existing object.
 * Every problem here is an input's, so each is an InputError naming the input; the problems of
 * input 'data' (keys, values, placeholders) are listed together in one.
 */
export function desiredFromInputs(
  input: { kind: ConfigKind; name: string; namespace: string; data: string },
  env: Record<string, string | undefined>,
  options: DesiredOptions = {},
): DesiredObject {
  if (!isObjectName(input.name)) throw new InputError('name', `has the value '${input.name}', which is not a valid ${input.kind} name`, OBJECT_NAME_RULE);
  checkNamespaceInput(input.namespace);
  let parsed: unknown;
  try {
    parsed = parse(input.data);
  } catch (err) {
    throw new InputError('data', `is not valid YAML: ${(err as Error).message.split('\n')[0]}`, DATA_FORM);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.keys(parsed).length) {
    throw new InputError('data', 'is not a YAML mapping of keys to values', DATA_FORM);
  }
  const problems = new Problems(options);
  const secretValues: string[] = [];
  const data: Record<string, string | null> = {};
  for (const [key, raw] of Object.entries(parsed as Record<string, unknown>)) {
    const where = `input 'data', key '${key}'`;
    checkKey(key, where, problems);
    if (raw === null) {
      data[key] = null;
      continue;
    }
    // The input is not a manifest: scalars are taken as their text (`retries: 3` sets "3").
    if (typeof raw === 'object') {
      problems.add(`${where} is a ${Array.isArray(raw) ? 'list' : 'mapping'}; values must be text`);
      continue;
    }
    const text = filled(String(raw), env, where, problems, secretValues).value;
    if (input.kind === 'Secret') {
      problems.secret(secretValues, text, base64(text));
      data[key] = base64(text);
    } else {
      data[key] = text;
    }
  }
  const parts = problemList(problems);
  if (parts.length)
    throw new InputError(
      'data',
      `cannot be used: ${problems.redact(parts.join('; '))}`,
      problems.unresolved.length ? `${DATA_FORM}; ${SET_VARIABLES}` : DATA_FORM,
    );
  return {
    kind: input.kind,
    namespace: input.namespace,
    name: input.name,
    source: "inputs 'name'/'data'",
    mode: 'merge',
    data,
    labels: {},
    annotations: {},
    secretValues: unique(secretValues),
  };
}

function fromManifest(
  value: unknown,
  where: string,
  env: Record<string, string | undefined>,
  namespaceOverride: string | undefined,
  problems: Problems,
): DesiredObject | undefined {
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    problems.add(`${where} is not a Kubernetes object (expected a mapping with apiVersion: v1 and kind: ConfigMap or Secret)`);
    return undefined;
  }
  const doc = value as Record<string, unknown>;
  const kind = doc.kind;
  if (kind !== 'ConfigMap' && kind !== 'Secret') {
    problems.add(`${where} is ${typeof kind === 'string' ? `a ${kind}` : 'not a Kubernetes object (no kind)'}, not a ConfigMap or Secret`);
    return undefined;
  }
  if (doc.apiVersion !== 'v1') problems.add(`${where}: apiVersion is '${String(doc.apiVersion)}'; a ${kind} has apiVersion: v1`);
  const meta = (doc.metadata ?? {}) as Record<string, unknown>;
  const secretValues: string[] = [];
  const name = typeof meta.name === 'string' ? filledName(meta.name, env, `${where} metadata.name`, problems, secretValues) : '';
  if (name === '') problems.add(`${where} metadata.name is missing`);
  else if (name !== null && !isObjectName(name)) problems.add(`${where} metadata.name '${name}' is not a valid name (${OBJECT_NAME_RULE})`);
  const declared = typeof meta.namespace === 'string' ? filledName(meta.namespace, env, `${where} metadata.namespace`, problems, secretValues) : undefined;
  const namespace = namespaceOverride || declared || '';
  // A namespace refused for coming from a secret variable (null) is not checked further.
  if (declared !== null || namespaceOverride) {
    if (!namespace) problems.add(`${where} has no metadata.namespace; set it, or give the input 'namespace'`);
    else if (!namespaceOverride && !isNamespaceName(namespace))
      problems.add(`${where} metadata.namespace '${namespace}' is not a valid namespace name (${NAMESPACE_NAME_RULE})`);
  }
  const labels = stringMap(meta.labels, `${where} metadata.labels`, env, problems, secretValues);
  const annotations = stringMap(meta.annotations, `${where} metadata.annotations`, env, problems, secretValues);

  const data: Record<string, string | null> = {};
  let binaryData: Record<string, string> | undefined;
  let secretType: string | undefined;
  if (kind === 'ConfigMap') {
    Object.assign(data, stringMap(doc.data, `${where} data`, env, problems, secretValues, true));
    const binary = stringMap(doc.binaryData, `${where} binaryData`, {}, problems, [], true, false);
    for (const [key, b64] of Object.entries(binary)) if (!isBase64(b64)) problems.add(`${where} binaryData key '${key}' is not base64`);
    for (const key of Object.keys(binary)) if (key in data) problems.add(`${where}: key '${key}' is in both data and binaryData`);
    if (Object.keys(binary).length) binaryData = binary;
  } else {
    secretType = typeof doc.type === 'string' ? doc.type : undefined;
    const encoded = stringMap(doc.data, `${where} data`, {}, problems, [], true, false);
    for (const [key, b64] of Object.entries(encoded)) {
      if (!isBase64(b64)) {
        problems.add(`${where} data key '${key}' is not base64 (put plain text under stringData instead)`);
        continue;
      }
      const bytes = Buffer.from(b64, 'base64');
      data[key] = bytes.toString('base64');
      problems.secret(secretValues, bytes.toString('utf8'), data[key]!, b64);
    }
    // Every value of a Secret is secret, whatever its variable is called.
    const plain = stringMap(doc.stringData, `${where} stringData`, env, problems, secretValues, true);
    for (const [key, text] of Object.entries(plain)) {
      data[key] = base64(text);
      problems.secret(secretValues, text, base64(text));
    }
  }
  if (name === null) return undefined;
  return { kind, namespace, name, source: where, mode: 'replace', data, binaryData, labels, annotations, secretType, secretValues: unique(secretValues) };
}

/** A mapping of text values; placeholders filled unless `substitute` is false. */
function stringMap(
  value: unknown,
  where: string,
  env: Record<string, string | undefined>,
  problems: Problems,
  secrets: string[],
  keysAreData = false,
  substitute = true,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.add(`${where} is not a mapping`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (keysAreData) checkKey(key, `${where} key '${key}'`, problems);
    // As kubectl: a number or boolean here is refused (quote it), never silently converted.
    if (typeof raw !== 'string') {
      problems.add(
        `${where} key '${key}' is ${raw === null ? 'null' : `a ${Array.isArray(raw) ? 'list' : typeof raw}`}; values must be text (quote it: '${key}: "…"')`,
      );
      continue;
    }
    out[key] = substitute ? filled(raw, env, `${where} key '${key}'`, problems, secrets).value : raw;
  }
  return out;
}

/** Fills one value: substitute, then mask the secrets it received (before anything can be validated or shown). */
function filled(text: string, env: Record<string, string | undefined>, where: string, problems: Problems, secrets: string[]): Filled {
  const result = fill(text, env, where, problems.secretVars);
  problems.unresolved.push(...result.unresolved);
  problems.secret(secrets, ...result.secrets);
  return result;
}

/**
 * Fills an object's name or namespace, or refuses it (null) when a secret variable went into it: names are printed in
 * every log line, output and summary, and stored unencrypted in the cluster, so they cannot hold a secret.
 */
function filledName(text: string, env: Record<string, string | undefined>, where: string, problems: Problems, secrets: string[]): string | null {
  const result = filled(text, env, where, problems, secrets);
  if (!result.secretVars.length) return result.value;
  problems.add(
    `${where} is filled from ${result.secretVars.map((v) => `\${${v}}`).join(', ')}, which holds a secret (its name looks secret, or input 'secret-vars' lists it); an object's name and namespace are shown in logs, outputs and the job summary, so write them in the manifest instead`,
  );
  return null;
}

function checkKey(key: string, where: string, problems: Problems): void {
  if (!KEY.test(key) || key.length > 253 || key === '.' || key === '..')
    problems.add(`${where}: '${key}' is not a valid key (letters, digits, '-', '_' or '.', at most 253)`);
}

/** The `namespace` input, which names the namespace of every object. */
function checkNamespaceInput(namespace: string): void {
  if (!isNamespaceName(namespace)) throw new InputError('namespace', `has the value '${namespace}', which is not a namespace name`, NAMESPACE_NAME_RULE);
}

function checkDuplicates(objects: DesiredObject[], problems: Problems): void {
  const seen = new Map<string, string>();
  for (const o of objects) {
    const key = objectKey(o);
    const first = seen.get(key);
    if (first) problems.add(`${key} is given twice (${first} and ${o.source})`);
    else seen.set(key, o.source);
  }
}

/** Every problem as one line each, unresolved placeholders first. */
function problemList(problems: Problems): string[] {
  const parts = [...problems.list];
  if (problems.unresolved.length) parts.unshift(`unresolved placeholders: ${describeUnresolved(problems.unresolved)}`);
  return parts;
}

function isBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 === 0;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}
