import type { KubeconfigAuth } from '../../core/azure/kubeconfig.js';

/** A kubeconfig ready to write, with what the log and summary say about it (no secrets). */
export interface PreparedKubeconfig {
  kubeconfig: string;
  /** e.g. `AKS cluster rg/name (user credentials)` or `the kubeconfig input`. */
  source: string;
  context: string;
  server: string;
  auth: KubeconfigAuth;
  /** Entra ID token: its scope and expiry. */
  token?: { scope: string; expiresOnTimestamp: number };
  /** An exec plugin left in place: the command the runner must have. */
  execCommand?: string;
}
