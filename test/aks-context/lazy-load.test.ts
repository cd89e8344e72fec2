import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runAction } from '../helpers/run-action.js';

/**
 * Which bundle files a run of dist/aks-context loads, seen by a module `load` hook: the Azure SDK
 * (MSAL's ConfidentialClientApplication, the ARM client's URL templates) must stay off an input
 * error's path and off the kubeconfig route, and only the Azure route may load it.
 */
const dist = join(repoRoot, 'dist/aks-context');
const hook = `data:text/javascript,${encodeURIComponent('import{registerHooks}from"node:module";import{appendFileSync}from"node:fs";registerHooks({load(url,ctx,next){if(url.startsWith("file:"))appendFileSync(process.env.LOAD_LOG,url+"\\n");return next(url,ctx)}})')}`;

function azureChunks(): string[] {
  return readdirSync(dist).filter(
    (f) =>
      /^\d+\.index\.js$/.test(f) &&
      /ConfidentialClientApplication|managedClusters\/\{resourceName\}\/listClusterUserCredential/.test(readFileSync(join(dist, f), 'utf8')),
  );
}

async function loaded(inputs: Record<string, string>): Promise<{ files: string[]; code: number | null }> {
  const log = join(mkdtempSync(join(tmpdir(), 'aks-load-')), 'log');
  const run = await runAction('aks-context', { inputs, env: { NODE_OPTIONS: `--import=${hook}`, LOAD_LOG: log, PATH: '/nonexistent' } });
  const files = existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((u) => u.replace(`file://${dist}/`, ''))
    : [];
  return { files, code: run.code };
}

describe('aks-context loads the Azure SDK only on the routes that use it', () => {
  it('the bundle has Azure SDK chunks apart from the entry', () => {
    expect(azureChunks().length).toBeGreaterThan(0);
    expect(readFileSync(join(dist, 'index.js'), 'utf8')).not.toMatch(/ConfidentialClientApplication|managedClusters\/\{resourceName\}/);
  });

  it('an input error loads the entry only', async () => {
    const { files, code } = await loaded({ 'resource-group': 'rg', 'cluster-name': '-bad-' });
    expect(code).toBe(1);
    expect(files).toEqual(['index.js']);
  });

  it('the kubeconfig route loads no Azure SDK chunk', async () => {
    const { files, code } = await loaded({
      kubeconfig:
        'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://k:6443"}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: abcdefgh}}]\n',
    });
    expect(code).toBe(0);
    expect(files.length).toBeGreaterThan(1);
    expect(files.filter((f) => azureChunks().includes(f))).toEqual([]);
  });

  it('the Azure route does load it (the check above can fail)', async () => {
    // No az on PATH: the az CLI route fails after loading the SDK, with no network involved.
    const { files } = await loaded({ 'resource-group': 'rg', 'cluster-name': 'aks', 'subscription-id': '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' });
    expect(files.filter((f) => azureChunks().includes(f)).length).toBeGreaterThan(0);
  });
});
