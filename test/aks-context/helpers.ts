import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionRun } from '../helpers/run-action.js';

/** Values the action registered with `::add-mask::` (unescaped as the runner does). */
export function maskedValues(run: Pick<ActionRun, 'stdout'>): string[] {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::add-mask::'))
    .map((l) => l.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
}

/**
 * What a user can see: everything but the `::add-mask::` commands, which the runner consumes
 * (they necessarily carry the secret they register).
 */
export function visible(run: ActionRun): string {
  return run.everything
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

export interface FakeAz {
  dir: string;
  /** PATH with the fake `az` first. */
  path: string;
  /** Makes `az account get-access-token --resource <resource>` print this token. */
  token(resource: string, accessToken: string, expiresOnMs: number): void;
  /** Makes `az account show` print this subscription. */
  account(subscriptionId: string, tenantId: string): void;
  /** Argument lines az was called with. */
  calls(): string[];
}

/**
 * A fake `az` (shell script) for AzureCliCredential: prints the JSON `az account get-access-token
 * --output json --resource R` prints (accessToken, expires_on, expiresOn, tenant...), or the
 * not-logged-in error when no token was set for R, and logs every call.
 */
export function fakeAz(): FakeAz {
  const dir = mkdtempSync(join(tmpdir(), 'fake-az-'));
  const script = `#!/bin/sh
D='${dir}'
echo "$*" >> "$D/calls.log"
if [ "$1 $2" = "account show" ]; then
  if [ -f "$D/account.json" ]; then cat "$D/account.json"; exit 0; fi
  echo "ERROR: Please run 'az login' to setup account." >&2; exit 1
fi
if [ "$1 $2" = "account get-access-token" ]; then
  resource=""
  while [ $# -gt 0 ]; do
    if [ "$1" = "--resource" ]; then resource="$2"; fi
    shift
  done
  file="$D/token-$(printf '%s' "$resource" | tr -c 'A-Za-z0-9' '_').json"
  if [ -f "$file" ]; then cat "$file"; exit 0; fi
  echo "ERROR: Please run 'az login' to setup account." >&2; exit 1
fi
echo "az: fake does not know: $*" >&2; exit 2
`;
  writeFileSync(join(dir, 'az'), script);
  chmodSync(join(dir, 'az'), 0o755);
  const safe = (resource: string) => resource.replace(/[^A-Za-z0-9]/g, '_');
  return {
    dir,
    path: `${dir}:${process.env.PATH ?? ''}`,
    token(resource, accessToken, expiresOnMs) {
      const expiresOn = new Date(expiresOnMs)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '.000000');
      writeFileSync(
        join(dir, `token-${safe(resource)}.json`),
        JSON.stringify({ accessToken, expiresOn, expires_on: Math.floor(expiresOnMs / 1000), subscription: '', tenant: '', tokenType: 'Bearer' }, null, 2),
      );
    },
    account(subscriptionId, tenantId) {
      writeFileSync(
        join(dir, 'account.json'),
        JSON.stringify({
          environmentName: 'AzureCloud',
          id: subscriptionId,
          isDefault: true,
          name: 'drill',
          state: 'Enabled',
          tenantId,
          user: { name: 'sp', type: 'servicePrincipal' },
        }),
      );
    },
    calls: () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : []),
  };
}

/** One HTTPS request trusting `ca`: for talking to the emulator without the SDK. */
export function httpsJson(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; ca: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Form-encoded token request body. */
export function form(fields: Record<string, string>): { body: string; headers: Record<string, string> } {
  return { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}
