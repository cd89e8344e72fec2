import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import type { BuiltinAction, RepositoryConfig } from './types.js';

const execFileAsync = promisify(execFile);

/** A local git repository standing in for a GitHub repository. */
export interface LocalRepository {
  /** `owner/name` as configured (the canonical spelling). */
  name: string;
  dir: string;
  /** Set for a private repository: the token that may read it. */
  token?: string;
}

/** A commit a ref resolved to, and the ref as GitHub names it (`refs/tags/v1`, `refs/heads/main`, or the SHA). */
export interface ResolvedRef {
  sha: string;
  ref: string;
}

const SHA = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/**
 * The GitHub repositories of a run, each a local git repository (`RunOptions.repositories`), looked up by
 * `owner/name` without regard to case, as GitHub does. The run's own repository, when not listed, is the workspace.
 */
export class Repositories {
  private readonly byName = new Map<string, LocalRepository>();

  constructor(config: Record<string, RepositoryConfig>, own?: { name: string; dir: string }) {
    for (const [name, repo] of Object.entries(config)) {
      if (!/^[^/\s]+\/[^/\s]+$/.test(name)) throw new Error(`repositories: '${name}' is not an owner/name`);
      this.byName.set(name.toLowerCase(), { name, dir: resolve(repo.dir), token: repo.token });
    }
    if (own && !this.byName.has(own.name.toLowerCase())) this.byName.set(own.name.toLowerCase(), { name: own.name, dir: resolve(own.dir) });
  }

  find(name: string): LocalRepository | undefined {
    return this.byName.get(name.toLowerCase());
  }
}

/** Runs git with none of the caller's GIT_* variables (a hook's GIT_DIR would redirect it). */
export async function git(args: string[], cwd?: string): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  const { stdout } = await execFileAsync('git', args, { cwd, env: { ...env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function commitOf(repo: LocalRepository, rev: string): Promise<string | undefined> {
  if (rev.startsWith('-')) return undefined;
  try {
    return (await git(['-C', repo.dir, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The commit a ref names: a full SHA, a `refs/...` name, or a short branch or tag name, looked up in `order`
 * (actions/checkout tries the branch first; git, for a reusable workflow's `@ref`, the tag).
 */
export async function resolveRef(repo: LocalRepository, ref: string, order: Array<'heads' | 'tags'>): Promise<ResolvedRef | undefined> {
  if (SHA.test(ref)) {
    const sha = await commitOf(repo, ref);
    return sha && sha.toLowerCase() === ref.toLowerCase() ? { sha, ref } : undefined;
  }
  const candidates = ref.startsWith('refs/') ? [ref] : order.map((kind) => `refs/${kind}/${ref}`);
  for (const name of candidates) {
    const sha = await commitOf(repo, name);
    if (sha) return { sha, ref: name };
  }
  return undefined;
}

/** The repository's default branch (its HEAD), as the API reports it to actions/checkout. */
export async function defaultBranch(repo: LocalRepository): Promise<string | undefined> {
  try {
    return (await git(['-C', repo.dir, 'symbolic-ref', '--quiet', 'HEAD'])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A file at a commit (`git show <sha>:<path>`), or undefined when the commit has no such file. */
export async function readAt(repo: LocalRepository, sha: string, path: string): Promise<string | undefined> {
  try {
    return await git(['-C', repo.dir, 'show', `${sha}:${path.replace(/^\.\//, '')}`]);
  } catch {
    return undefined;
  }
}

/** `owner/name/.github/workflows/x.yml@ref`, split; undefined for anything else. */
export function parseRemoteWorkflow(uses: string): { repository: string; path: string; ref: string } | undefined {
  const m = /^([^/@\s]+\/[^/@\s]+)\/(\.github\/workflows\/[^@\s]+\.ya?ml)@(\S+)$/.exec(uses);
  return m ? { repository: m[1], path: m[2], ref: m[3] } : undefined;
}

/**
 * actions/checkout against the run's local repositories: `repository` (default the run's own), `ref` (a SHA, a
 * branch or a tag; default the run's commit for its own repository, the default branch for another), `path`
 * under the job's workspace (default its root), and `token` (default the job's GITHUB_TOKEN). A private repository
 * needs its own token, except the run's own, which the job's GITHUB_TOKEN always reads; one it cannot read fails as
 * on GitHub, where git is told the repository does not exist. The target directory is emptied first (checkout
 * deletes what it does not reuse), then the repository is cloned from its local directory and the commit checked
 * out, detached. `persist-credentials`, `fetch-depth` and the other inputs change nothing locally.
 */
export function checkoutAction(repositories: Repositories, runToken: string): BuiltinAction {
  return async ({ with: w, env, log, annotate }) => {
    if (!env.GITHUB_WORKSPACE) throw new Error('GITHUB_WORKSPACE not defined');
    const workspace = resolve(env.GITHUB_WORKSPACE);
    const own = env.GITHUB_REPOSITORY ?? '';
    const qualified = w.repository || own;
    const parts = qualified.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`Invalid repository '${qualified}'. Expected format {owner}/{repo}.`);
    const dest = resolve(workspace, w.path || '.');
    if (!`${dest}${sep}`.startsWith(`${workspace}${sep}`)) throw new Error(`Repository path '${dest}' is not under '${workspace}'`);
    const isOwn = qualified.toUpperCase() === own.toUpperCase();
    let ref = (w.ref ?? '').trim();
    let commit = '';
    if (!ref) {
      if (isOwn) {
        ref = env.GITHUB_REF ?? '';
        commit = env.GITHUB_SHA ?? '';
      }
    } else if (SHA.test(ref)) {
      commit = ref;
      ref = '';
    }
    log(`Syncing repository: ${qualified}`);
    const token = w.token || runToken;
    const repo = repositories.find(qualified);
    const readable = repo !== undefined && (repo.token === undefined || token === repo.token || (isOwn && token === runToken));
    // Without a ref, checkout asks the REST API for the default branch first; otherwise git fetch is refused.
    if (!readable && !ref && !commit) throw new Error('Not Found - https://docs.github.com/rest/repos/repos#get-a-repository');
    const fetchFailed = (fatal: string): Error => {
      annotate({ level: 'error', message: `fatal: ${fatal}` });
      return new Error(`The process '/usr/bin/git' failed with exit code 128`);
    };
    if (!readable) {
      log('remote: Repository not found.');
      throw fetchFailed(`repository 'https://github.com/${qualified}/' not found`);
    }
    if (!ref && !commit) ref = (await defaultBranch(repo)) ?? '';
    let sha: string;
    if (commit) {
      const found = await resolveRef(repo, commit, []);
      if (!found) throw fetchFailed(`remote error: upload-pack: not our ref ${commit}`);
      sha = found.sha;
    } else {
      const found = await resolveRef(repo, ref, ['heads', 'tags']);
      if (!found) throw new Error(`A branch or tag with the name '${ref}' could not be found`);
      sha = found.sha;
    }
    mkdirSync(dest, { recursive: true });
    for (const entry of readdirSync(dest)) rmSync(resolve(dest, entry), { recursive: true, force: true });
    await git(['clone', '--quiet', '--no-checkout', repo.dir, dest]);
    await git(['-C', dest, 'checkout', '--quiet', '--detach', sha]);
    log(`Checked out ${repo.name} at ${sha}${ref ? ` (${ref})` : ''} into ${relative(workspace, dest) || '.'}`);
    return { outputs: { ref, commit: sha } };
  };
}
