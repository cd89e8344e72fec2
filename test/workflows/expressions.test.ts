import { describe, expect, it } from '@jest/globals';
import {
  coerceString,
  evaluate,
  evaluateCondition,
  findPlaceholders,
  interpolate,
  interpolateString,
  ExpressionFailure,
  type StatusFunctions,
} from '../../src/playground/workflow/expressions.js';

const contexts = {
  inputs: { target: 'west', 'dry-run': true, count: 3, empty: '' },
  secrets: { TOKEN: 's3cr3t' },
  steps: { mirror: { outputs: { result: '{"topics":[{"name":"orders","lag":4}],"total":4}' }, outcome: 'success' } },
  needs: { failover: { result: 'failure', outputs: {} } },
  env: { MODE: 'planned' },
  vars: {},
  github: { event_name: 'workflow_dispatch', event: { inputs: { target: 'west' } } },
};
const ok: StatusFunctions = { success: () => true, failure: () => false, cancelled: () => false };
const failed: StatusFunctions = { success: () => false, failure: () => true, cancelled: () => false };
const value = (source: string, status = ok): string => coerceString(evaluate(source, contexts, status, 'test'));

describe('expressions (GitHub semantics through @actions/expressions)', () => {
  it.each([
    ["inputs.target == 'WEST'", 'true'], // string comparison ignores case
    ["'0' == false", 'true'], // loose equality converts both to numbers
    ['null == 0', 'true'],
    ["'' == 0", 'true'],
    ['inputs.count > 2 && inputs.count <= 3', 'true'],
    ["inputs.missing.deep || 'fallback'", 'fallback'], // missing properties are null, not errors
    ["inputs.empty || 'default'", 'default'], // '' is falsy
    ["inputs.target == 'west' && 'W' || 'N'", 'W'],
    ["inputs.target == 'north' && 'N' || inputs.target == 'west' && 'W' || ''", 'W'],
    ["!inputs['dry-run']", 'false'],
    ['inputs.dry-run', 'true'], // dashes in names
    ['fromJSON(steps.mirror.outputs.result).topics[0].lag', '4'],
    ["format('{0}/{1} {{literal}}', inputs.target, inputs.count)", 'west/3 {literal}'],
    ['contains(fromJSON(\'["a","b"]\'), \'B\')', 'true'],
    ["startsWith('reverse-and-start-mirror', 'REVERSE')", 'true'],
    ["endsWith('orders', 'ers')", 'true'],
    ['join(fromJSON(\'["a","b"]\'), \'+\')', 'a+b'],
    ['toJSON(needs.failover.result)', '"failure"'],
    ['github.event.inputs.target', 'west'],
    ["hashFiles('**/package-lock.json')", ''],
    ['1 == 1.0', 'true'],
  ])('%s → %s', (source, expected) => {
    expect(value(source)).toBe(expected);
  });

  it('status functions follow the job status', () => {
    expect(value('success()')).toBe('true');
    expect(value('failure()', failed)).toBe('true');
    expect(value('always()', failed)).toBe('true');
    expect(value('cancelled()')).toBe('false');
  });

  it('an if: without a status function means success() && (...)', () => {
    expect(evaluateCondition("inputs.target == 'west'", contexts, ok, 'if')).toBe(true);
    expect(evaluateCondition("inputs.target == 'west'", contexts, failed, 'if')).toBe(false);
    expect(evaluateCondition("always() && inputs.target == 'west'", contexts, failed, 'if')).toBe(true);
    expect(evaluateCondition('${{ failure() }}', contexts, failed, 'if')).toBe(true);
    expect(evaluateCondition(undefined, contexts, failed, 'if')).toBe(false);
    expect(evaluateCondition(undefined, contexts, ok, 'if')).toBe(true);
    expect(evaluateCondition(false, contexts, ok, 'if')).toBe(false);
  });

  it('finds ${{ }} with }} inside string literals', () => {
    const text = "a ${{ format('{{0}}', inputs.target) }} b ${{ 'it''s' }}";
    expect(findPlaceholders(text).map((p) => p.expression)).toEqual(["format('{{0}}', inputs.target)", "'it''s'"]);
    expect(interpolateString(text, contexts, ok, 'x')).toBe("a {0} b it's");
  });

  it('keeps the type of a value that is exactly one expression, makes text otherwise', () => {
    expect(interpolate('${{ inputs.dry-run }}', contexts, ok, 'x')).toBe(true);
    expect(interpolate('${{ inputs.count }}', contexts, ok, 'x')).toBe(3);
    expect(interpolate('n=${{ inputs.count }}', contexts, ok, 'x')).toBe('n=3');
    expect(interpolate({ a: ['${{ inputs.target }}'] }, contexts, ok, 'x')).toEqual({ a: ['west'] });
    expect(interpolateString('${{ inputs.dry-run }}', contexts, ok, 'x')).toBe('true');
  });

  it('refuses a context the location does not offer, and bad syntax, naming where', () => {
    const noSecrets = { ...contexts, secrets: undefined } as Record<string, unknown>;
    delete noSecrets.secrets;
    expect(() => evaluateCondition("secrets.TOKEN != ''", noSecrets, ok, 'jobs.a.steps[0].if')).toThrow(ExpressionFailure);
    expect(() => evaluateCondition("secrets.TOKEN != ''", noSecrets, ok, 'jobs.a.steps[0].if')).toThrow(/jobs\.a\.steps\[0\]\.if: .*secrets/);
    expect(() => evaluate('inputs.target ==', contexts, ok, 'w')).toThrow(ExpressionFailure);
    expect(() => evaluate('nosuch(1)', contexts, ok, 'w')).toThrow(ExpressionFailure);
    expect(() => interpolate('${{ inputs.target', contexts, ok, 'w')).toThrow("no closing '}}'");
  });
});
