import { InputError } from '../../core/errors.js';
import { InputReader } from '../../core/inputs.js';
import * as core from '../../core/runner.js';
import { OPERATIONS, type SwitchRequest } from './plan.js';

/** Everything dr-plan needs, validated; reading it makes no network call. */
export interface PlanInputs {
  config: string;
  /** Where the caller's repository is checked out, relative to the workspace (`.` for the workspace itself). */
  repositoryPath: string;
  request: SwitchRequest;
  /** Client groups to move (empty: every group of the file). */
  groups: string[];
  /** Namespaces the switch must not touch (a drill's guard for production). */
  protectedNamespaces: string[];
  /** Refuse a mirror operation on every mirror topic of the link. */
  requireTopics: boolean;
  /** Names of the variables and secrets that are set (non-empty). Secret values are masked and then dropped. */
  vars: Record<string, string>;
  secretNames: Set<string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads and checks every input; every secret value is masked before anything else happens. */
export function getInputs(inputs = new InputReader(), mask: (value: string) => void = core.maskSecret): PlanInputs {
  // First: the secrets' values are masked the moment they are read, whatever fails after.
  const secrets = jsonObject(inputs, 'secrets');
  const secretNames = new Set<string>();
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value !== 'string' || value === '') continue;
    mask(value);
    secretNames.add(name);
  }
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(jsonObject(inputs, 'vars'))) {
    if (typeof value === 'string' && value !== '' && NAME.test(name)) vars[name] = value;
  }
  const config = inputs.string('config', { default: '.github/ccloud-dr.yml' })!;
  const repositoryPath = inputs.string('repository-path', { default: '.' })!;
  if (repositoryPath.split(/[\\/]/).includes('..'))
    throw new InputError('repository-path', `has the value '${repositoryPath}', which leaves the workspace`, 'a folder inside the workspace, e.g. `caller`');
  const target = inputs.string('target', { required: true });
  if (!/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(target))
    throw new InputError('target', `has the value '${target}', which is not a cluster name`, 'the name of a cluster of the topology file, e.g. `west`');
  const operation = inputs.choice('operation', OPERATIONS, { default: 'auto' });
  const maxLag = inputs.integer('max-lag', { min: 0 });
  const mirrorTopicPattern = inputs.string('mirror-topic-pattern');
  if (mirrorTopicPattern !== undefined) inputs.regex('mirror-topic-pattern');
  const request: SwitchRequest = {
    target,
    operation,
    sourceReachable: inputs.boolean('source-reachable', true),
    truncateFirst: inputs.boolean('truncate-first', false),
    mirrorTopics: inputs.list('mirror-topics'),
    mirrorTopicPattern,
    dryRun: inputs.boolean('dry-run', false),
    maxLag,
    force: inputs.boolean('force', false),
  };
  return {
    config,
    repositoryPath,
    request,
    groups: inputs.list('groups'),
    protectedNamespaces: inputs.list('protected-namespaces'),
    requireTopics: inputs.boolean('require-topics', false),
    vars,
    secretNames,
  };
}

function jsonObject(inputs: InputReader, name: string): Record<string, unknown> {
  // Not masked as a whole: toJSON pretty-prints, and masking its `{` and `}` lines would blank every brace in the log.
  // Each value is masked (with each of its lines) by the caller, before anything else.
  const raw = inputs.string(name);
  if (raw === undefined)
    throw new InputError(
      name,
      'is required but was not set',
      `\`\${{ toJSON(${name}) }}\`: the ${name} this run can read, so the plan can tell which ones the topology names are missing`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Never quote it: it holds secret values.
    throw new InputError(name, 'is not a JSON object', `\`\${{ toJSON(${name}) }}\``);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError(name, 'is not a JSON object', `\`\${{ toJSON(${name}) }}\``);
  return parsed as Record<string, unknown>;
}
