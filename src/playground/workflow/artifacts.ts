import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { BuiltinAction } from './types.js';

/**
 * Stand-ins for actions/upload-artifact and actions/download-artifact (v4) within one run: artifacts live in a
 * folder of the run. As in v4, a name is uploaded once per run (a second upload of it fails), `path` is a file or a
 * folder, and download takes `name`, or `pattern` with `merge-multiple` (without it, each artifact goes into a
 * folder of its own name).
 */
export function artifactActions(store: string): Record<string, BuiltinAction> {
  const upload: BuiltinAction = async ({ with: w, env, log }) => {
    const name = w.name || 'artifact';
    if (/[":<>|*?\\/\r\n]/.test(name))
      throw new Error(`The artifact name is not valid: ${name}. Contains the following character: one of " : < > | * ? \\ / \\r \\n`);
    const target = join(store, name);
    if (existsSync(target))
      throw new Error(
        `Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run`,
      );
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const paths = (w.path ?? '')
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    const found = paths.map((p) => (isAbsolute(p) ? p : resolve(workspace, p))).filter((p) => existsSync(p));
    if (!found.length) {
      const ifNoFiles = w['if-no-files-found'] || 'warn';
      const message = `No files were found with the provided path: ${paths.join(', ')}. No artifacts will be uploaded.`;
      if (ifNoFiles === 'error') throw new Error(message);
      log(`${ifNoFiles === 'warn' ? 'Warning: ' : ''}${message}`);
      return;
    }
    mkdirSync(target, { recursive: true });
    for (const p of found) cpSync(p, statSync(p).isDirectory() ? target : join(target, basename(p)), { recursive: true });
    log(`Artifact ${name} uploaded (${found.length} path${found.length === 1 ? '' : 's'})`);
    return { outputs: { 'artifact-id': name } };
  };
  const download: BuiltinAction = async ({ with: w, env, log }) => {
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const dest = w.path ? (isAbsolute(w.path) ? w.path : resolve(workspace, w.path)) : workspace;
    const all = existsSync(store) ? readdirSync(store) : [];
    let names: string[];
    if (w.name) {
      if (!all.includes(w.name)) throw new Error(`Unable to download artifact(s): Artifact not found for name: ${w.name}`);
      names = [w.name];
    } else {
      const pattern = w.pattern
        ? new RegExp(
            `^${w.pattern
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')
              .replace(/\?/g, '.')}$`,
          )
        : /.*/;
      names = all.filter((n) => pattern.test(n));
    }
    const merge = w['merge-multiple'] === 'true';
    mkdirSync(dest, { recursive: true });
    for (const n of names) cpSync(join(store, n), w.name || merge ? dest : join(dest, n), { recursive: true });
    log(`Downloaded ${names.length} artifact(s) to ${dest}`);
    return { outputs: { 'download-path': dest } };
  };
  return { 'actions/upload-artifact': upload, 'actions/download-artifact': download };
}
