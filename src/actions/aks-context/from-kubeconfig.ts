import * as core from '../../core/runner.js';
import { credentialValues, currentUser, describeUser, parseKubeconfig } from './kubeconfig.js';
import type { PreparedKubeconfig } from './prepared.js';

/** The `kubeconfig` route: any cluster. Checks the content and masks its credentials; no Azure at all. */
export function fromKubeconfigInput(text: string, origin: string, mask: core.Masker = core.maskSecret): PreparedKubeconfig {
  const parsed = parseKubeconfig(text, "input 'kubeconfig'");
  for (const secret of credentialValues(parsed.config)) mask(secret);
  return { kubeconfig: text, source: `the kubeconfig input (${origin})`, context: parsed.context, server: parsed.server, ...describeUser(currentUser(parsed)) };
}
