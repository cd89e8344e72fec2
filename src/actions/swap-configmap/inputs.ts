import { InputError } from '../../core/errors.js';
import { InputReader, rejectBoth } from '../../core/inputs.js';
import { resolveKubeconfig, type KubeTarget } from '../../core/kube/client.js';
import { readWorkspaceFile } from '../../core/workspace.js';
import type { ConfigKind, ManifestFile } from './desired.js';
import { isVariableName } from './placeholders.js';

/** Everything swap-configmap needs, validated; reading it makes no network call. */
export interface SwapInputs {
  /** Manifest files with their text (the `manifests` input), or empty with `single`. */
  manifests: ManifestFile[];
  /** The `name`/`namespace`/`kind`/`data` form. */
  single?: { kind: ConfigKind; name: string; namespace: string; data: string };
  /** `namespace` input: overrides each manifest's namespace. */
  namespace?: string;
  /** Value for the `ccloud-dr-actions/target` label. */
  target?: string;
  dryRun: boolean;
  kube: KubeTarget;
  /** Variables whose values are secret whatever they are called (`secret-vars`). */
  secretVars: string[];
  /** Timeout of one request to the Kubernetes API (`request-timeout`). */
  requestTimeoutMs: number;
}

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Reads and checks every input (files included) before anything touches the cluster. */
export function getInputs(inputs = new InputReader(), env: NodeJS.ProcessEnv = process.env): SwapInputs {
  rejectBoth(inputs, 'manifests', 'name');
  rejectBoth(inputs, 'manifests', 'data');
  const namespace = inputs.string('namespace');
  const target = inputs.string('target');
  if (target !== undefined && (!LABEL_VALUE.test(target) || target.length > 63)) {
    throw new InputError(
      'target',
      `has the value '${target}', which is not a valid label value`,
      'up to 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit, e.g. `west`',
    );
  }
  const dryRun = inputs.boolean('dry-run', false);
  const kind = inputs.choice('kind', ['ConfigMap', 'Secret'] as const, { default: 'ConfigMap' });
  const secretVars = inputs.list('secret-vars');
  for (const name of secretVars) {
    if (!isVariableName(name))
      throw new InputError(
        'secret-vars',
        `lists '${name}', which is not a variable name`,
        'names of environment variables (letters, digits and `_`, not starting with a digit), separated by commas or newlines, e.g. `CCLOUD_PW, SAS`',
      );
  }
  const requestTimeoutMs = inputs.duration('request-timeout', '30s', { minMs: 100 });

  let manifests: ManifestFile[] = [];
  let single: SwapInputs['single'];
  if (inputs.has('manifests')) {
    manifests = inputs.list('manifests').map((path) => readWorkspaceFile('manifests', path, env, 'ConfigMap or Secret YAML files'));
  } else if (inputs.has('name')) {
    const name = inputs.string('name', { required: true });
    if (!namespace) throw new InputError('namespace', "is required with input 'name' but was not set", 'the namespace of the object, e.g. `clients`');
    const data = inputs.string('data');
    if (data === undefined)
      throw new InputError('data', "is required with input 'name' but was not set", 'a YAML mapping of keys to set, e.g. `bootstrap.servers: ${CCLOUD_URL}`');
    single = { kind, name, namespace, data };
  } else {
    throw new InputError(
      'manifests',
      "and input 'name' were both left empty",
      "either 'manifests' (paths of ConfigMap/Secret YAML files) or 'name' + 'namespace' + 'data'",
    );
  }
  const kube = resolveKubeconfig(inputs.string('kubeconfig'), env);
  return { manifests, single, namespace, target, dryRun, kube, secretVars, requestTimeoutMs };
}
