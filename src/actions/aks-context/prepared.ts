import type { KubeconfigAuth } from './kubeconfig.js';

/** A kubeconfig to write, and what may be said about it: nothing secret outside `kubeconfig`. */
export interface KubeconfigToWrite {
  /** The kubeconfig text (never log it). */
  kubeconfig: string;
  context: string;
  server: string;
  auth: KubeconfigAuth;
  /** For Entra ID clusters: the token put in the kubeconfig (its scope and expiry, not its value). */
  token?: { scope: string; expiresOnTimestamp: number };
  /** An exec plugin left in place: the command the runner must have. */
  execCommand?: string;
}

/** A kubeconfig ready to write, with where it came from for the log and summary. */
export interface PreparedKubeconfig extends KubeconfigToWrite {
  /** e.g. `AKS cluster rg/name (user credentials)` or `the kubeconfig input`. */
  source: string;
}
