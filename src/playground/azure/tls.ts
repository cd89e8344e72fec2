import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder of the TEST-ONLY TLS material (see tls/README.md). */
export const tlsDir = fileURLToPath(new URL('./tls/', import.meta.url));

/** Path of the TEST-ONLY CA: give it to child processes as `NODE_EXTRA_CA_CERTS`. */
export const testCaPath = `${tlsDir}test-ca.pem`;

/** The TEST-ONLY TLS material, read once. */
export interface TestTls {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  adminClient: { certPem: string; keyPem: string };
  userClient: { certPem: string; keyPem: string };
}

let cached: TestTls | undefined;

/** The TEST-ONLY certificates and keys, read from tls/ once. */
export function testTls(): TestTls {
  const read = (name: string) => readFileSync(`${tlsDir}${name}`, 'utf8');
  cached ??= {
    caPem: read('test-ca.pem'),
    serverCertPem: read('server-cert.pem'),
    serverKeyPem: read('server-key.pem'),
    adminClient: { certPem: read('client-admin-cert.pem'), keyPem: read('client-admin-key.pem') },
    userClient: { certPem: read('client-user-cert.pem'), keyPem: read('client-user-key.pem') },
  };
  return cached;
}
