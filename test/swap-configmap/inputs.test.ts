import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getInputs } from '../../src/actions/swap-configmap/inputs.js';
import { InputError } from '../../src/core/errors.js';
import { InputReader } from '../../src/core/inputs.js';

/** getInputs reads files: a manifest must really be inside the workspace, symlinks followed. */

let root: string;
let workspace: string;
let outside: string;
let kubeconfig: string;
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata: {a: b}\n';

const reader = (inputs: Record<string, string>) => new InputReader((name) => inputs[name] ?? '');
const read = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: workspace }) => getInputs(reader({ kubeconfig, ...inputs }), env);

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'swap-inputs-'));
  workspace = join(root, 'workspace');
  outside = join(root, 'outside');
  mkdirSync(join(workspace, 'k8s'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(workspace, 'k8s', 'cm.yaml'), CM);
  writeFileSync(join(outside, 'cm.yaml'), CM);
  symlinkSync(join(workspace, 'k8s', 'cm.yaml'), join(workspace, 'inside-link.yaml'));
  symlinkSync(join(outside, 'cm.yaml'), join(workspace, 'k8s', 'outside-link.yaml'));
  symlinkSync(outside, join(workspace, 'dir-link'));
  kubeconfig = join(root, 'kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('swap-configmap inputs', () => {
  it('reads manifests inside the workspace, through symlinks that stay inside', () => {
    const inputs = read({ manifests: 'k8s/cm.yaml\ninside-link.yaml' });
    expect(inputs.manifests.map((m) => [m.path, m.text])).toEqual([
      ['k8s/cm.yaml', CM],
      ['inside-link.yaml', CM],
    ]);
  });

  it.each([
    ['an absolute path', () => join(outside, 'cm.yaml')],
    ['a ../ path', () => '../outside/cm.yaml'],
    ['a symlinked file', () => 'k8s/outside-link.yaml'],
    ['a symlinked directory', () => 'dir-link/cm.yaml'],
    ['a system file', () => '/etc/hostname'],
  ])('refuses %s that resolves outside the workspace, naming the input and the path', (_, path) => {
    const err = inputError(() => read({ manifests: path() }));
    expect(err.input).toBe('manifests');
    expect(err.message).toContain(`input 'manifests' names '${path()}', which resolves outside the workspace`);
  });

  it('without GITHUB_WORKSPACE the working directory is the workspace', () => {
    const cwd = process.cwd();
    process.chdir(join(workspace, 'k8s'));
    try {
      expect(read({ manifests: 'cm.yaml' }, {}).manifests).toHaveLength(1);
      expect(inputError(() => read({ manifests: '../../outside/cm.yaml' }, {})).message).toContain('resolves outside the workspace');
    } finally {
      process.chdir(cwd);
    }
  });

  it('secret-vars is a list of variable names; request-timeout a duration (default 30s)', () => {
    expect(read({ manifests: 'k8s/cm.yaml', 'secret-vars': 'CCLOUD_PW,\nSAS' })).toMatchObject({ secretVars: ['CCLOUD_PW', 'SAS'], requestTimeoutMs: 30_000 });
    expect(read({ manifests: 'k8s/cm.yaml', 'request-timeout': '2s' }).requestTimeoutMs).toBe(2_000);
    expect(inputError(() => read({ manifests: 'k8s/cm.yaml', 'secret-vars': 'CCLOUD-PW' })).message).toContain(
      "input 'secret-vars' lists 'CCLOUD-PW', which is not a variable name",
    );
    expect(inputError(() => read({ manifests: 'k8s/cm.yaml', 'request-timeout': 'soon' })).input).toBe('request-timeout');
  });
});
