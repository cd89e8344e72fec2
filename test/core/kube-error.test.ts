import { describe, expect, it } from '@jest/globals';
import { kubeError } from '../../src/core/kube/client.js';

describe('kubeError', () => {
  it("an answer without a Status body (client-node's 401): the status line once, and what to do", () => {
    const err = kubeError(Object.assign(new Error('HTTP-Code: 401'), { code: 401, body: undefined }), 'read ConfigMap clients/x', 'https://k:6443');
    expect(err.message).toBe('could not read ConfigMap clients/x: HTTP 401 Unauthorized');
    expect(err.describe()).toContain('the credentials in the kubeconfig were refused');
  });

  it("a Status body: the server's message, its causes and reason", () => {
    const body = JSON.stringify({
      kind: 'Status',
      message: 'configmaps "x" is forbidden: User "u" cannot update resource "configmaps" in API group "" in the namespace "clients"',
      reason: 'Forbidden',
      code: 403,
    });
    const err = kubeError(Object.assign(new Error('HTTP-Code: 403'), { code: 403, body }), 'update ConfigMap clients/x');
    expect(err.message).toBe(
      'could not update ConfigMap clients/x: configmaps "x" is forbidden: User "u" cannot update resource "configmaps" in API group "" in the namespace "clients" (HTTP 403 Forbidden)',
    );
  });
});
