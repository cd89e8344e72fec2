import { closeSync, fchmodSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** A unique kubeconfig file name under `dir` (RUNNER_TEMP): never reused, never guessable. */
export function kubeconfigPathIn(dir: string): string {
  return join(dir, `kubeconfig-aks-context-${randomBytes(8).toString('hex')}.yaml`);
}

/**
 * Creates `path` exclusively (`wx`: fails if anything, even a planted symlink, is already there)
 * with mode 0600 from the start, writes `content`, and removes the file again if the write fails.
 */
export function writeSecureFile(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    // The umask can only remove bits, but make the mode explicit anyway.
    fchmodSync(fd, 0o600);
    writeSync(fd, content);
  } catch (err) {
    closeSync(fd);
    unlinkSync(path);
    throw err;
  }
  closeSync(fd);
}
