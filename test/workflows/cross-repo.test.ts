import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { clientValues, loadManifests, repositorySettings } from '../../src/playground/drill/index.js';
import { mutatingConfluent, mutatingKube } from '../../src/playground/drill/faults.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { allJobs, allSteps, ConcurrencyGroups, findJob, findStep, runWorkflow, type WorkflowResult } from '../../src/playground/workflow/index.js';
import { findLeaks } from '../helpers/run-action.js';

/**
 * A cross-repository call, run as GitHub runs it: a team's repository in the same organization (`acme/orders`: GitHub lets a private reusable workflow, and `secrets: inherit`, be used only within its organization or enterprise) calls
 * `acme/ccloud-dr-actions/.github/workflows/dr-switch.yml@v1` with one line, and the switch finds its own repository
 * and commit in the job's OIDC token, checks the DR actions out at that commit with DR_ACTIONS_TOKEN (the actions
 * repository is private) and the caller's repository into `caller/`, each job in a workspace of its own. The two
 * repositories are local git repositories; the actions repository's v1 tag is followed by a commit that breaks
 * dr-plan and renames the workflow, so a run that read either at the branch's head instead of the tag fails here.
 */
const root = new URL('../..', import.meta.url).pathname;
const missing = ['aks-context', 'ccloud-mirror', 'dr-plan', 'dr-report', 'swap-configmap', 'verify-rollout'].filter(
  (name) => !existsSync(join(root, 'dist', name, 'index.js')),
);
if (missing.length) throw new Error(`the cross-repository switch needs the dist bundles of ${missing.join(', ')}: run \`npm run build\``);

const gitIn = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))),
  }).trim();
const newRepo = (dir: string): void => {
  mkdirSync(dir, { recursive: true });
  gitIn(dir, 'init', '--quiet', '--initial-branch=main');
};
const commitAll = (dir: string, message: string): string => {
  gitIn(dir, 'add', '--all');
  gitIn(dir, 'commit', '--quiet', '-m', message);
  return gitIn(dir, 'rev-parse', 'HEAD');
};
const write = (file: string, text: string): void => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

/** The caller workflow of docs/adoption.md, for this topology's clusters and the actions repository `acme/...`. */
function adoptionCaller(): string {
  const guide = readFileSync(join(root, 'docs/adoption.md'), 'utf8');
  const block = [...guide.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .find((b) => b.includes('/ccloud-dr-actions/.github/workflows/dr-switch.yml@v1'));
  if (!block) throw new Error('docs/adoption.md has no caller workflow of dr-switch.yml@v1');
  const caller = block.replace('<owner>/ccloud-dr-actions/', 'acme/ccloud-dr-actions/').replace('options: [westus, eastus]', 'options: [north, west]');
  // The example changed shape: fail here rather than run something else.
  expect(caller).toContain('uses: acme/ccloud-dr-actions/.github/workflows/dr-switch.yml@v1');
  expect(caller).toContain('options: [north, west]');
  expect(caller).toContain('secrets: inherit');
  return caller;
}

const ACTIONS = 'acme/ccloud-dr-actions';
const CALLER = 'acme/orders';
const actionsToken = 'github_pat_acme_dr_actions_read_5f1c9e';
const ordersToken = 'github_pat_team_orders_never_needed_7a2d';

describe('dr-switch.yml called from another repository through the local runner', () => {
  let tmp: string;
  let actionsDir: string;
  let callerDir: string;
  let v1: string;
  let head: string;
  let callerSha: string;
  let confluent: ConfluentEmulator;
  let kube: KubeEmulator;
  const kubeToken = 'kube-token-cross-repo-3e9d';
  let secrets: Record<string, string>;
  let vars: Record<string, string>;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cross-repo-'));

    // (a) The actions repository: what a release holds, tagged v1; then main moves on and breaks things.
    actionsDir = join(tmp, 'ccloud-dr-actions');
    newRepo(actionsDir);
    for (const dir of ['actions', 'dist', 'schema']) cpSync(join(root, dir), join(actionsDir, dir), { recursive: true });
    cpSync(join(root, '.github/workflows/dr-switch.yml'), join(actionsDir, '.github/workflows/dr-switch.yml'));
    v1 = commitAll(actionsDir, 'v1');
    gitIn(actionsDir, 'tag', '-a', 'v1', '-m', 'v1');
    write(join(actionsDir, 'dist/dr-plan/index.js'), "console.log('::error::dr-plan of main, not of v1'); process.exit(1);\n");
    const workflow = readFileSync(join(actionsDir, '.github/workflows/dr-switch.yml'), 'utf8');
    expect(workflow).toContain('\nname: DR switch\n');
    write(join(actionsDir, '.github/workflows/dr-switch.yml'), workflow.replace('\nname: DR switch\n', '\nname: DR switch of main\n'));
    head = commitAll(actionsDir, 'work in progress on main');

    // (b) The caller's repository: its own topology (one client group, its manifest under k8s/) and the caller workflow.
    callerDir = join(tmp, 'orders');
    newRepo(callerDir);
    const topology = parse(readFileSync(join(root, '.github/ccloud-dr.yml'), 'utf8')) as { 'client-groups': Array<{ name: string; manifests: string[] }> };
    topology['client-groups'] = topology['client-groups'].filter((g) => g.name === 'proxy').map((g) => ({ ...g, manifests: ['k8s/kafka-proxy-config.yaml'] }));
    write(join(callerDir, '.github/ccloud-dr.yml'), stringify(topology));
    cpSync(join(root, 'src/playground/manifests/proxy/kafka-proxy-config.yaml'), join(callerDir, 'k8s/kafka-proxy-config.yaml'));
    write(join(callerDir, '.github/workflows/switch.yml'), adoptionCaller());
    callerSha = commitAll(callerDir, 'DR switch');

    confluent = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], replicationDelayMs: 10, transitionMs: 20 });
    confluent.createTopic('north', 'orders', { partitions: 2 });
    confluent.createLink('north', 'dr-link', { remote: 'west', mode: 'BIDIRECTIONAL' });
    confluent.createLink('west', 'dr-link', { remote: 'north', mode: 'BIDIRECTIONAL' });
    confluent.createMirror('west', 'dr-link', 'orders');
    confluent.produce('north', 'orders', [{ value: '1' }, { value: '2' }]);
    kube = await startKube({ podReadyDelayMs: 20, tokens: [kubeToken] });
    kube.apply(loadManifests(root, 'proxy', clientValues(confluent.info('north'))));
    ({ vars, secrets } = repositorySettings(confluent.clusters, kube.kubeconfig({ token: kubeToken })));
    await new Promise((r) => setTimeout(r, 300));
  });

  afterAll(async () => {
    await kube?.close();
    await confluent?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const run = (extraSecrets: Record<string, string>): Promise<WorkflowResult> =>
    runWorkflow({
      workflow: '.github/workflows/switch.yml',
      workspace: callerDir,
      inputs: { target: 'west', 'dry-run': true },
      secrets: { ...secrets, ...extraSecrets },
      vars,
      github: { repository: CALLER, sha: callerSha },
      repositories: { [ACTIONS]: { dir: actionsDir, token: actionsToken }, [CALLER]: { dir: callerDir, token: ordersToken } },
      oidc: true,
      concurrency: new ConcurrencyGroups(),
    });
  const failures = (result: WorkflowResult) =>
    allSteps(result)
      .filter((s) => s.outcome === 'failure')
      .map((s) => `${s.job} / ${s.name}: ${s.error}`);
  const shown = (result: WorkflowResult): string =>
    JSON.stringify(allSteps(result).map((s) => [s.log, s.summary, s.outputs, s.error])) +
    JSON.stringify(allJobs(result).map((j) => [j.outputs, j.error])) +
    JSON.stringify(result.annotations) +
    result.summary;

  it('a dry run from acme/orders: the actions come from the private repository at v1, the topology from caller/, nothing changes', async () => {
    kube.resetRequests();
    confluent.resetRequests();
    const result = await run({ DR_ACTIONS_TOKEN: actionsToken });
    expect(failures(result)).toEqual([]);
    expect(result.conclusion).toBe('success');
    expect(v1).not.toBe(head);
    expect(allJobs(result).map((j) => [j.path, j.result])).toEqual([
      ['switch', 'success'],
      ['switch / plan', 'success'],
      ['switch / check-mirror', 'success'],
      ['switch / preflight (proxy)', 'success'],
      ['switch / mirror', 'skipped'],
      ['switch / clients', 'skipped'],
      ['switch / report', 'success'],
    ]);
    // The called workflow is the file at v1, not at the head of main.
    expect(findJob(result, 'switch')!.workflow!.name).toBe('DR switch');

    // The job's OIDC token named the called workflow's repository and the commit the tag points at.
    expect(findStep(result, 'switch / plan', 'source')!.outputs).toMatchObject({ repository: ACTIONS, sha: v1, 'caller-path': 'caller' });

    // Every job checked the DR actions out at v1 into its own workspace, and the caller's repository at its commit.
    const checkouts = allSteps(result).filter((s) => s.uses?.startsWith('actions/checkout@') && s.outcome !== 'skipped');
    expect(checkouts.map((s) => [s.job, s.name, s.outcome, s.outputs.commit])).toEqual([
      ['switch / plan', 'Check out the DR actions', 'success', v1],
      ['switch / plan', "Check out the caller's repository", 'success', callerSha],
      ['switch / check-mirror', 'Check out the DR actions', 'success', v1],
      ['switch / preflight (proxy)', 'Check out the DR actions', 'success', v1],
      ['switch / preflight (proxy)', "Check out the caller's repository", 'success', callerSha],
      ['switch / report', 'Check out the DR actions', 'success', v1],
    ]);

    // The plan read the caller's topology and manifest from caller/, and the check read that manifest there.
    const legs = JSON.parse(findStep(result, 'switch / plan', 'plan')!.outputs.groups) as { include: Array<Record<string, string>> };
    expect(legs.include.map((l) => [l.group, l.manifests])).toEqual([['proxy', 'caller/k8s/kafka-proxy-config.yaml']]);
    expect(findStep(result, 'switch / preflight (proxy)', 'swap')!.outputs.changed).toBe('true');
    expect(result.summary).toContain('<summary>🗺️ DR plan: switch to west from north</summary>');
    expect(findJob(result, 'switch')!.outputs.verdict).toBe('Dry run towards west: every check passed; nothing was changed');

    // Nothing came from this repository's own files.
    const text = shown(result);
    expect(text).not.toContain('src/playground/manifests');
    expect(text).not.toContain(root.replace(/\/$/, ''));
    expect(text).not.toContain('dr-plan of main');

    // A dry run: only reads, dry runs, validate_only and access reviews reached the servers, and the checks did run.
    expect(mutatingKube(kube.requests())).toEqual([]);
    expect(mutatingConfluent(confluent.requests())).toEqual([]);
    expect(kube.requests().some((r) => r.query.includes('dryRun=All'))).toBe(true);
    expect(confluent.requests().some((r) => r.query.includes('validate_only=true'))).toBe(true);
    expect(findLeaks(text, [actionsToken, ordersToken, kubeToken, confluent.info('west').apiSecret])).toEqual([]);
  });

  it('without DR_ACTIONS_TOKEN the checkout of the private actions repository fails as on GitHub, before anything is contacted', async () => {
    kube.resetRequests();
    confluent.resetRequests();
    const result = await run({});
    expect(result.conclusion).toBe('failure');
    // The token still said where the actions are; git was refused the repository.
    expect(findStep(result, 'switch / plan', 'source')!.outputs).toMatchObject({ repository: ACTIONS, sha: v1 });
    const checkout = findStep(result, 'switch / plan', 'Check out the DR actions')!;
    expect(checkout.outcome).toBe('failure');
    expect(checkout.error).toBe("The process '/usr/bin/git' failed with exit code 128");
    expect(checkout.log).toContain('remote: Repository not found.');
    expect(result.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          job: 'switch / plan',
          step: 'Check out the DR actions',
          message: `fatal: repository 'https://github.com/${ACTIONS}/' not found`,
        }),
      ]),
    );
    expect(findStep(result, 'switch / plan', 'plan')!.outcome).toBe('skipped');
    expect(allJobs(result).map((j) => [j.path, j.result])).toEqual([
      ['switch', 'failure'],
      ['switch / plan', 'failure'],
      ['switch / check-mirror', 'skipped'],
      ['switch / preflight', 'skipped'],
      ['switch / mirror', 'skipped'],
      ['switch / clients', 'skipped'],
      ['switch / report', 'failure'],
    ]);
    expect(kube.requests()).toEqual([]);
    expect(confluent.requests()).toEqual([]);
  });
});

describe('runWorkflow with repositories: remote reusable workflows, checkout, workspaces, OIDC', () => {
  let tmp: string;
  let app: string;
  let lib: string;
  let libV1: string;
  let appSha: string;
  const libToken = 'github_pat_acme_lib_9c2e71';
  const repositories = () => ({ 'acme/lib': { dir: lib, token: libToken }, 'me/app': { dir: app } });

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'cross-repo-unit-'));
    lib = join(tmp, 'lib');
    newRepo(lib);
    write(join(lib, 'marker.txt'), 'v1\n');
    write(
      join(lib, '.github/workflows/shared.yml'),
      `on:
  workflow_call:
    outputs:
      where: { value: '\${{ jobs.inner.outputs.where }}' }
permissions: { id-token: write }
jobs:
  inner:
    runs-on: ubuntu-24.04
    environment: prod
    outputs:
      where: \${{ steps.say.outputs.where }}
      token: \${{ steps.token.outputs.token }}
    steps:
      - id: say
        run: echo "where=shared at v1" >> "$GITHUB_OUTPUT"
      - id: token
        run: |
          echo "token=$(curl -sSf -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL" | jq -r .value)" >> "$GITHUB_OUTPUT"
  nested:
    uses: ./.github/workflows/nested.yml
`,
    );
    write(
      join(lib, '.github/workflows/nested.yml'),
      `on: workflow_call
jobs:
  deep:
    runs-on: ubuntu-24.04
    outputs:
      token: \${{ steps.token.outputs.token }}
    steps:
      - id: token
        run: |
          echo "token=$(curl -sSf -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=custom" | jq -r .value)" >> "$GITHUB_OUTPUT"
`,
    );
    libV1 = commitAll(lib, 'v1');
    gitIn(lib, 'tag', '-a', 'v1', '-m', 'v1');
    write(join(lib, 'marker.txt'), 'main\n');
    write(join(lib, '.github/workflows/shared.yml'), readFileSync(join(lib, '.github/workflows/shared.yml'), 'utf8').replace('shared at v1', 'shared at main'));
    commitAll(lib, 'main moves on');

    app = join(tmp, 'app');
    newRepo(app);
    write(join(app, 'app.txt'), 'app\n');
    write(
      join(app, '.github/workflows/calls.yml'),
      `on: workflow_dispatch
jobs:
  known:
    permissions: { id-token: write }
    uses: acme/lib/.github/workflows/shared.yml@v1
  unknown:
    uses: other/shared/.github/workflows/shared.yml@v1
  bad-ref:
    uses: acme/lib/.github/workflows/shared.yml@v9
`,
    );
    write(
      join(app, '.github/workflows/local.yml'),
      `on: workflow_call
jobs:
  job:
    runs-on: ubuntu-24.04
    outputs:
      token: \${{ steps.token.outputs.token }}
    steps:
      - id: token
        run: |
          echo "token=$(curl -sSf -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL" | jq -r .value)" >> "$GITHUB_OUTPUT"
`,
    );
    write(
      join(app, '.github/workflows/jobs.yml'),
      `on: workflow_dispatch
permissions: { contents: read }
jobs:
  first:
    runs-on: ubuntu-24.04
    permissions: { id-token: write }
    outputs:
      ws: \${{ steps.empty.outputs.ws }}
      files: \${{ steps.empty.outputs.files }}
      own: \${{ steps.own.outputs.commit }}
      lib: \${{ steps.lib.outputs.commit }}
      marker: \${{ steps.files.outputs.marker }}
      token: \${{ steps.token.outputs.token }}
    steps:
      - id: empty
        run: |
          echo "ws=$GITHUB_WORKSPACE" >> "$GITHUB_OUTPUT"
          echo "files=$(ls -A | wc -l)" >> "$GITHUB_OUTPUT"
      - id: own
        uses: actions/checkout@v5
      - run: touch left-behind
      - id: lib
        uses: actions/checkout@v5
        with:
          repository: ACME/Lib
          ref: v1
          path: lib
          token: ${libToken}
      - id: files
        run: echo "marker=$(cat lib/marker.txt) app=$(cat app.txt) left=$(ls left-behind)" >> "$GITHUB_OUTPUT"
      - id: token
        run: |
          echo "token=$(curl -sSf -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL" | jq -r .value)" >> "$GITHUB_OUTPUT"
  second:
    needs: first
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        leg: [a, b]
    steps:
      - run: echo "ws=$GITHUB_WORKSPACE files=$(ls -A | wc -l) oidc=\${ACTIONS_ID_TOKEN_REQUEST_URL:-none}"
  refused:
    runs-on: ubuntu-24.04
    steps:
      - id: outside
        continue-on-error: true
        uses: actions/checkout@v5
        with:
          path: ../elsewhere
      - id: no-token
        continue-on-error: true
        uses: actions/checkout@v5
        with:
          repository: acme/lib
          ref: v1
      - id: no-ref
        continue-on-error: true
        uses: actions/checkout@v5
        with:
          repository: acme/lib
      - id: missing-ref
        continue-on-error: true
        uses: actions/checkout@v5
        with:
          repository: acme/lib
          ref: no-such-branch
          token: ${libToken}
  local-call:
    permissions: { id-token: write }
    uses: ./.github/workflows/local.yml
`,
    );
    appSha = commitAll(app, 'app');
  });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const claims = (jwt: string): Record<string, string> => {
    const parts = jwt.split('.');
    expect(parts).toHaveLength(3);
    expect(JSON.parse(Buffer.from(parts[0], 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as Record<string, string>;
  };
  const todays = (job: string, uses: string) =>
    `.github/workflows/calls.yml: jobs.${job}.uses: '${uses}' is a remote reusable workflow; the local runner runs only ./.github/workflows/ files of the workspace`;

  it('a remote reusable workflow of an unknown repository, or without repositories, still gets the error of today', async () => {
    const without = await runWorkflow({ workflow: '.github/workflows/calls.yml', workspace: app });
    expect(findJob(without, 'unknown')!.error).toBe(todays('unknown', 'other/shared/.github/workflows/shared.yml@v1'));
    expect(findJob(without, 'known')!.error).toBe(todays('known', 'acme/lib/.github/workflows/shared.yml@v1'));
    expect(without.conclusion).toBe('failure');

    const withRepos = await runWorkflow({ workflow: '.github/workflows/calls.yml', workspace: app, repositories: repositories() });
    expect(findJob(withRepos, 'unknown')!.result).toBe('failure');
    expect(findJob(withRepos, 'unknown')!.error).toBe(todays('unknown', 'other/shared/.github/workflows/shared.yml@v1'));
    expect(findJob(withRepos, 'unknown')!.workflow).toBeUndefined();
    // A known repository runs the file at the commit the tag names (main says 'shared at main'); a ref it lacks is refused.
    expect(findJob(withRepos, 'known')!.result).toBe('success');
    expect(findJob(withRepos, 'known')!.outputs).toEqual({ where: 'shared at v1' });
    expect(findJob(withRepos, 'bad-ref')!.error).toContain('failed to fetch workflow: reference to workflow should be either a valid branch, tag, or commit');
  });

  it("OIDC tokens carry GitHub's claims: the caller's repository and ref, and the workflow file each job is defined in", async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/calls.yml',
      workspace: app,
      github: { repository: 'me/app' },
      repositories: repositories(),
      oidc: true,
    });
    const inner = claims(findJob(result, 'known / inner')!.outputs.token);
    expect(inner).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'https://github.com/me',
      sub: 'repo:me/app:environment:prod',
      environment: 'prod',
      repository: 'me/app',
      repository_owner: 'me',
      ref: 'refs/heads/main',
      sha: appSha,
      workflow_ref: 'me/app/.github/workflows/calls.yml@refs/heads/main',
      workflow_sha: appSha,
      job_workflow_ref: 'acme/lib/.github/workflows/shared.yml@refs/tags/v1',
      job_workflow_sha: libV1,
    });
    expect(Number(inner.exp)).toBeGreaterThan(Number(inner.iat));
    // A ./ call inside the remote workflow is that repository's file at the same commit; a custom audience.
    expect(claims(findJob(result, 'known / nested / deep')!.outputs.token)).toMatchObject({
      aud: 'custom',
      sub: 'repo:me/app:ref:refs/heads/main',
      job_workflow_ref: 'acme/lib/.github/workflows/nested.yml@refs/tags/v1',
      job_workflow_sha: libV1,
    });

    const jobs = await runWorkflow({
      workflow: '.github/workflows/jobs.yml',
      workspace: app,
      github: { repository: 'me/app' },
      repositories: repositories(),
      oidc: true,
    });
    expect(claims(findJob(jobs, 'first')!.outputs.token)).toMatchObject({
      sub: 'repo:me/app:ref:refs/heads/main',
      job_workflow_ref: 'me/app/.github/workflows/jobs.yml@refs/heads/main',
      job_workflow_sha: appSha,
    });
    expect(claims(findJob(jobs, 'local-call / job')!.outputs.token)).toMatchObject({
      job_workflow_ref: 'me/app/.github/workflows/local.yml@refs/heads/main',
      job_workflow_sha: appSha,
    });
    // A job without id-token: write gets no endpoint.
    expect(findJob(jobs, 'second (a)')!.steps[0].log).toContain('oidc=none');
  });

  it('each job and matrix leg starts in an empty workspace of its own; checkout clones the repository, ref and path it is given', async () => {
    const result = await runWorkflow({
      workflow: '.github/workflows/jobs.yml',
      workspace: app,
      github: { repository: 'me/app' },
      repositories: repositories(),
    });
    const first = findJob(result, 'first')!;
    expect(first.result).toBe('success');
    expect(first.outputs.files).toBe('0');
    expect(first.outputs.ws).not.toBe(app);
    expect(first.outputs.ws.endsWith('/app')).toBe(true);
    // The own repository at github.sha (the workspace's HEAD), the other by its name in any case at the tag's commit.
    expect(first.outputs.own).toBe(appSha);
    expect(first.outputs.lib).toBe(libV1);
    expect(first.outputs.marker).toBe('v1 app=app left=left-behind');
    const legs = ['second (a)', 'second (b)'].map((p) => findJob(result, p)!.steps[0].log);
    const workspaces = legs.map((log) => /ws=(\S+)/.exec(log)![1]);
    expect(new Set([first.outputs.ws, ...workspaces]).size).toBe(3);
    for (const log of legs) expect(log).toContain('files=0');

    const refused = findJob(result, 'refused')!;
    const step = (id: string) => refused.steps.find((s) => s.id === id)!;
    expect(step('outside').outcome).toBe('failure');
    expect(step('outside').error).toMatch(/^Repository path '.*\/elsewhere' is not under '.*\/app'$/);
    expect(step('no-token').error).toBe("The process '/usr/bin/git' failed with exit code 128");
    expect(step('no-token').log).toContain('remote: Repository not found.');
    expect(result.annotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ job: 'refused', step: 'Run actions/checkout@v5', message: "fatal: repository 'https://github.com/acme/lib/' not found" }),
      ]),
    );
    expect(step('no-ref').error).toBe('Not Found - https://docs.github.com/rest/repos/repos#get-a-repository');
    expect(step('missing-ref').error).toBe("A branch or tag with the name 'no-such-branch' could not be found");
    // The token never shows.
    expect(JSON.stringify(allSteps(result).map((s) => s.log))).not.toContain(libToken);
  });
});
