import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from './errors.js';

/**
 * Reads a file the workflow names, relative to the workspace (`GITHUB_WORKSPACE`, or the working directory when
 * unset). A path that resolves outside it, symlinks followed, or that is not a file, is refused with an InputError
 * naming `input`; the file read is the one the check resolved, never the path again.
 */
export function readWorkspaceFile(input: string, path: string, env: NodeJS.ProcessEnv = process.env, what = 'YAML files'): { path: string; text: string } {
  const base = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const root = existsSync(base) ? realpathSync(base) : base;
  const full = isAbsolute(path) ? path : resolve(base, path);
  // Where the path really leads, symlinks followed; a missing file is compared as written (and refused below).
  const exists = existsSync(full);
  const real = exists ? realpathSync(full) : full;
  const inside = relative(exists ? root : base, real);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new InputError(
      input,
      `names '${path}', which resolves outside the workspace${real === path ? '' : ` (to '${real}')`}`,
      `paths of ${what} inside the workspace ${root}, relative to it, that are not symlinks leading out of it`,
    );
  }
  if (!existsSync(real) || !statSync(real).isFile()) {
    throw new InputError(
      input,
      `names '${path}', which is not a file${env.GITHUB_WORKSPACE ? ' in the workspace' : ''}`,
      `paths of ${what} relative to the repository root (did the job run actions/checkout?)`,
    );
  }
  return { path, text: readFileSync(real, 'utf8') };
}
