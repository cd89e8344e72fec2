import { describe, expect, it } from '@jest/globals';
import { ActionError, InputError } from '../../src/core/errors.js';
import { failureSummary } from '../../src/core/failure-summary.js';

/** The failure summary both Kubernetes actions write. */
describe('failureSummary', () => {
  it('says what failed, where, what to do and what is in place, in that order', () => {
    const err = new ActionError('could not read ConfigMap clients/kafka', { where: 'Kubernetes API https://aks.example:443', fix: 're-run the step' });
    expect(failureSummary('swap-configmap', err, { where: 'ignored: the error says where', inPlace: ['Nothing was written.'] })).toBe(
      [
        '### ❌ swap-configmap failed',
        '',
        '**What failed:** could not read ConfigMap clients/kafka',
        '',
        '**Where:** Kubernetes API https://aks.example:443',
        '',
        '**What to do:** re-run the step',
        '',
        '**In place now:**',
        '',
        '- Nothing was written.',
        '',
      ].join('\n'),
    );
  });

  it("names an input's problem by the input, and falls back on the action's facts and a generic fix", () => {
    const input = failureSummary('verify-rollout', new InputError('timeout', "has the value 'soon', which is not a duration", 'a duration'));
    expect(input).toContain("**What failed:** input 'timeout' has the value 'soon', which is not a duration; expected a duration");
    expect(input).toContain("**Where:** input 'timeout'");
    expect(input).toContain("**What to do:** give input 'timeout' a value of the expected form and re-run the step");
    const unknown = failureSummary('verify-rollout', new Error('socket hang up'), { where: 'namespace clients' });
    expect(unknown).toContain('**What failed:** socket hang up');
    expect(unknown).toContain('**Where:** namespace clients');
    expect(unknown).toContain('**What to do:** re-run the step; if it fails the same way, report it with this summary');
    expect(unknown).not.toContain('In place now');
  });

  it('keeps a message\'s "- " lines as a list and shows markup from outside as text', () => {
    const err = new ActionError('2 workloads failed:\n- a: </table><h1>x</h1>\n- b: [link](https://evil.example)');
    const out = failureSummary('verify-rollout', err);
    expect(out).toContain('**What failed:** 2 workloads failed:\n- a: &lt;/table&gt;&lt;h1&gt;x&lt;/h1&gt;\n- b: \\[link\\]\\(https://evil.example\\)');
    expect(out).not.toMatch(/<\/?(table|h1)>/);
  });
});
