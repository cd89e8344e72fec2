/**
 * The Azure emulator (ARM + Entra ID over HTTPS with a TEST-ONLY CA), the GitHub ID-token stand-in,
 * and a ready-made drill world. Playground and tests only: actions never import this.
 */
export * from './types.js';
export { startAzure, type AzureEmulator } from './emulator.js';
export { startGithubOidc, type GithubOidc, type GithubOidcOptions, type IssuedIdToken } from './github-oidc.js';
export { testCaPath, testTls } from './tls.js';
export { clusterServer } from './kubeconfigs.js';
export { startAzureDrill, type AzureDrill, type AzureDrillOptions } from './drill.js';
