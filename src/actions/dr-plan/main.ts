import * as core from '../../core/runner.js';
import { ActionError } from '../../core/errors.js';
import { readWorkspaceFile } from '../../core/workspace.js';
import { getInputs, type PlanInputs } from './inputs.js';
import { groupLeg, groupObjects, manifestObjects, mirrorOutputs, type GroupObjects, type ManifestObject } from './legs.js';
import { planSwitch, type SwitchPlan } from './plan.js';
import { failureSummaryOf, planLines, summaryOf } from './report.js';
import { parseTopology } from './topology.js';

/**
 * dr-plan: decides a DR switch from the team's topology file before anything is contacted. Reads and checks the
 * file against its schema, the request against the file, every variable and secret the later steps read (by name),
 * and every manifest file; then outputs the plan the later jobs run from (one matrix leg per client group, the
 * mirror step's settings) and writes it to the job summary. It makes no network call: the checks that need a
 * server run next, each by the action that later makes the change, in its dry-run mode.
 */
export async function run(): Promise<void> {
  let inputs: PlanInputs | undefined;
  try {
    inputs = getInputs();
    const result = decide(inputs);
    core.setOutputs(result.outputs);
    core.appendSummary(summaryOf(result.plan, result.objects));
    for (const line of planLines(result.plan, result.objects)) core.info(line);
  } catch (err) {
    core.appendSummary(failureSummaryOf(err, inputs));
    throw err;
  }
}

export interface Decision {
  plan: SwitchPlan;
  objects: Map<string, GroupObjects>;
  outputs: Record<string, unknown>;
}

/** The plan and the outputs, or a PlanError listing every problem found. Reads only the workspace. */
export function decide(inputs: PlanInputs, env: NodeJS.ProcessEnv = process.env): Decision {
  const prefix = inputs.repositoryPath === '.' ? '' : `${inputs.repositoryPath.replace(/\/+$/, '')}/`;
  let file: { text: string };
  try {
    file = readWorkspaceFile('config', prefix + inputs.config, env, 'topology files');
  } catch (err) {
    throw new ActionError(`the topology file ${inputs.config} was not found${prefix ? ` in ${inputs.repositoryPath}/` : ''}: ${(err as Error).message}`, {
      where: `input 'config'`,
      fix: `add the file (start from the example in docs/topology.md; schema/ccloud-dr.schema.json checks it in your editor), or set input 'config' to its path in your repository. Nothing was contacted or changed`,
    });
  }
  const topology = parseTopology(inputs.config, file.text);
  const problems: string[] = [];
  for (const name of inputs.groups)
    if (!topology.groups.some((g) => g.name === name))
      problems.push(
        `input 'groups' names '${name}', which is not a client group of ${inputs.config}; its groups: ${topology.groups.map((g) => g.name).join(', ')}`,
      );
  const selected = inputs.groups.length ? { ...topology, groups: topology.groups.filter((g) => inputs.groups.includes(g.name)) } : topology;
  const planned = planSwitch(selected, inputs.request, { vars: new Set(Object.keys(inputs.vars)), secrets: inputs.secretNames });
  problems.push(...planned.problems.map((p) => p.message));

  // The drill's guards, checked on the file and the request even when the plan has other problems.
  for (const group of selected.groups)
    if (inputs.protectedNamespaces.includes(group.namespace))
      problems.push(
        `client group '${group.name}' is in namespace ${group.namespace}, which input 'protected-namespaces' protects (production clients): point the drill's topology at a drill namespace`,
      );
  const apLink = selected.links.find((l) => l.pattern === 'active-passive');
  const r = inputs.request;
  if (inputs.requireTopics && apLink && r.operation !== 'none' && !r.mirrorTopics.length && !r.mirrorTopicPattern && !apLink.topics && !apLink.topicPattern)
    problems.push(
      `the switch would act on every mirror topic of link ${apLink.name}, which input 'require-topics' forbids: name the drill's topics (input 'mirror-topics', or 'topics' of the link in the topology)`,
    );
  const objects = new Map<string, GroupObjects>();
  for (const group of planned.plan?.groups ?? []) {
    if (group.objects && group.objects.length > 1) {
      problems.push(
        `client group '${group.name}' lists ${group.objects.length} objects; a group changes one named object, or any number through 'manifests': move them into manifest files, or split the group`,
      );
      continue;
    }
    const found: ManifestObject[] = [];
    for (const path of group.manifests) {
      try {
        const read = readWorkspaceFile(`client-groups (${group.name})`, prefix + path, env, 'ConfigMap or Secret YAML files');
        const parsed = manifestObjects(path, read.text);
        problems.push(...parsed.problems.map((p) => `client group '${group.name}': ${p}`));
        found.push(...parsed.objects);
      } catch (err) {
        problems.push(`client group '${group.name}': manifest ${path} ${(err as Error).message.replace(/^input '[^']*' /, '')}`);
      }
    }
    const decided = groupObjects(group, found);
    problems.push(...decided.problems);
    objects.set(group.name, decided.objects);
  }
  if (problems.length || !planned.plan) throw new PlanError(inputs.config, problems);

  const plan = planned.plan;
  const legs = plan.groups.map((g) => groupLeg(plan, g, objects.get(g.name)!, inputs.repositoryPath, inputs.vars));
  return {
    plan,
    objects,
    outputs: {
      plan: JSON.stringify(plan),
      target: plan.target,
      from: plan.from ?? '',
      pattern: plan.pattern,
      'dry-run': String(plan.dryRun),
      groups: JSON.stringify({ include: legs }),
      'group-names': plan.groups.map((g) => g.name).join(','),
      ...mirrorOutputs(plan, inputs.vars, inputs.secretNames),
    },
  };
}

/** Every problem that stops the switch before anything changed. */
export class PlanError extends ActionError {
  constructor(
    file: string,
    readonly problems: string[],
  ) {
    super(
      `the switch cannot start: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file} or the inputs:\n${problems.map((p) => `- ${p}`).join('\n')}`,
      {
        where: `topology file ${file} and the workflow's inputs`,
        fix: 'Fix each problem named above and run the workflow again. Nothing was contacted or changed',
      },
    );
    this.name = 'PlanError';
  }
}
