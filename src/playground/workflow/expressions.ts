import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { Binary, FunctionCall, Grouping, IndexAccess, Logical, Unary, type Expr } from '@actions/expressions/ast';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';

/**
 * `${{ }}` expressions, evaluated by GitHub's own evaluator (`@actions/expressions`, the package the
 * Actions VS Code extension uses), so loose equality, truthiness, `fromJSON`, `format` and friends behave
 * exactly as on GitHub. This module adds what the package leaves to the runner: the status functions,
 * `hashFiles`, finding `${{ }}` in a template, and converting between plain values and expression data.
 */

/** The contexts one evaluation may see; only the names present are recognised (as on GitHub). */
export type ExpressionContexts = Partial<Record<ContextName, unknown>>;
export type ContextName = 'github' | 'inputs' | 'secrets' | 'vars' | 'env' | 'steps' | 'needs' | 'jobs' | 'matrix' | 'strategy' | 'runner' | 'job';

/** The job (or step) status the status functions report. */
export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

/** Thrown for a syntax or evaluation error; `where` says which key of which file. */
export class ExpressionFailure extends Error {
  constructor(
    readonly expression: string,
    readonly where: string,
    reason: string,
  ) {
    super(`${where}: the expression \${{ ${expression} }} is not valid: ${reason}`);
    this.name = 'ExpressionFailure';
  }
}

const STATUS_NAMES = ['success', 'failure', 'always', 'cancelled'];
const EXTRA_FUNCTIONS = [...STATUS_NAMES.map((name) => ({ name, minArgs: 0, maxArgs: 0 })), { name: 'hashFiles', minArgs: 1, maxArgs: 255 }];

/** Plain JS (strings, numbers, booleans, arrays, objects, null/undefined) to expression data. */
export function toData(value: unknown): data.ExpressionData {
  if (value === undefined) return new data.Null();
  return JSON.parse(JSON.stringify(value) ?? 'null', data.reviver) as data.ExpressionData;
}

/** Expression data back to plain JS. */
export function fromData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer) ?? 'null');
}

/** How GitHub turns a value into text when it lands in a string (`true`, `3`, '' for null). */
export function coerceString(value: data.ExpressionData): string {
  return value.coerceString();
}

/** Parses one expression (without the `${{ }}`), rejecting unknown contexts and functions. */
export function parseExpression(source: string, contexts: ContextName[], where: string): Expr {
  try {
    const { tokens } = new Lexer(source).lex();
    return new Parser(tokens, contexts, EXTRA_FUNCTIONS).parse();
  } catch (err) {
    throw new ExpressionFailure(source, where, (err as Error).message);
  }
}

/** Evaluates one expression against the contexts. */
export function evaluate(source: string, contexts: ExpressionContexts, status: StatusFunctions, where: string): data.ExpressionData {
  const names = Object.keys(contexts) as ContextName[];
  const expr = parseExpression(source, names, where);
  const dictionary = new data.Dictionary(...names.map((key) => ({ key, value: toData(contexts[key]) })));
  try {
    return new Evaluator(expr, dictionary, statusFunctionMap(status)).evaluate();
  } catch (err) {
    throw new ExpressionFailure(source, where, (err as Error).message);
  }
}

function statusFunctionMap(status: StatusFunctions): Map<string, FunctionDefinition> {
  const fn = (name: string, call: () => data.ExpressionData, maxArgs = 0): [string, FunctionDefinition] => [
    name.toLowerCase(),
    { name, minArgs: 0, maxArgs, call },
  ];
  return new Map([
    fn('success', () => new data.BooleanData(status.success())),
    fn('failure', () => new data.BooleanData(status.failure())),
    fn('cancelled', () => new data.BooleanData(status.cancelled())),
    fn('always', () => new data.BooleanData(true)),
    // The workspace is the repository itself and nothing is cached locally, so no file hash is needed.
    fn('hashFiles', () => new data.StringData(''), 255),
  ]);
}

/** One `${{ ... }}` occurrence in a template string. */
export interface Placeholder {
  start: number;
  end: number;
  expression: string;
}

/**
 * Finds every `${{ }}` in a string. The closing `}}` is searched outside single-quoted literals, so
 * `${{ format('{{0}}', x) }}` is one expression.
 */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${{', from);
    if (start < 0) return found;
    let i = start + 3;
    let inString = false;
    let end = -1;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "'") {
          if (text[i + 1] === "'") i++;
          else inString = false;
        }
      } else if (c === "'") inString = true;
      else if (c === '}' && text[i + 1] === '}') {
        end = i + 2;
        break;
      }
    }
    if (end < 0) throw new ExpressionFailure(text.slice(start + 3).trim(), 'template', "it has no closing '}}'");
    found.push({ start, end, expression: text.slice(start + 3, end - 2).trim() });
    from = end;
  }
}

/**
 * Evaluates a YAML value that may hold `${{ }}`. A string that is exactly one expression keeps the
 * expression's type (a boolean stays a boolean, as GitHub does for `if`, `continue-on-error`, typed
 * inputs); any other string with expressions becomes text. Objects and arrays are walked.
 */
export function interpolate(value: unknown, contexts: ExpressionContexts, status: StatusFunctions, where: string): unknown {
  if (typeof value === 'string') {
    const places = findPlaceholders(value);
    if (places.length === 0) return value;
    if (places.length === 1 && places[0].start === 0 && places[0].end === value.length) {
      return fromData(evaluate(places[0].expression, contexts, status, where));
    }
    let text = '';
    let at = 0;
    for (const place of places) {
      text += value.slice(at, place.start) + coerceString(evaluate(place.expression, contexts, status, where));
      at = place.end;
    }
    return text + value.slice(at);
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, contexts, status, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, contexts, status, `${where}.${k}`)]));
  }
  return value;
}

/** Like {@link interpolate} but always text, as action inputs and environment variables are. */
export function interpolateString(value: unknown, contexts: ExpressionContexts, status: StatusFunctions, where: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return String(value);
  const places = findPlaceholders(value);
  if (places.length === 0) return value;
  let text = '';
  let at = 0;
  for (const place of places) {
    text += value.slice(at, place.start) + coerceString(evaluate(place.expression, contexts, status, where));
    at = place.end;
  }
  return text + value.slice(at);
}

/**
 * Evaluates an `if:`. As on GitHub, the `${{ }}` wrapper is optional, and a condition that calls no
 * status function is implicitly `success() && (condition)`.
 */
export function evaluateCondition(
  condition: unknown,
  contexts: ExpressionContexts,
  status: StatusFunctions,
  where: string,
  defaultCondition = 'success()',
): boolean {
  if (condition === undefined || condition === null || condition === '') return evaluateCondition(defaultCondition, contexts, status, where);
  if (typeof condition === 'boolean') return condition && status.success();
  if (typeof condition === 'number') return condition !== 0 && status.success();
  let source = String(condition).trim();
  const places = findPlaceholders(source);
  if (places.length === 1 && places[0].start === 0 && places[0].end === source.length) source = places[0].expression;
  else if (places.length > 0) {
    // A condition mixing text and ${{ }} is a non-empty string on GitHub, hence always true.
    return status.success();
  }
  const names = Object.keys(contexts) as ContextName[];
  const expr = parseExpression(source, names, where);
  const guarded = callsStatusFunction(expr) ? source : `success() && (${source})`;
  return truthy(evaluate(guarded, contexts, status, where));
}

/** Whether an expression calls success(), failure(), always() or cancelled() anywhere. */
export function callsStatusFunction(expr: Expr): boolean {
  if (expr instanceof FunctionCall) {
    if (STATUS_NAMES.includes(expr.functionName.lexeme.toLowerCase())) return true;
    return expr.args.some(callsStatusFunction);
  }
  if (expr instanceof Logical) return expr.args.some(callsStatusFunction);
  if (expr instanceof Binary) return callsStatusFunction(expr.left) || callsStatusFunction(expr.right);
  if (expr instanceof Unary) return callsStatusFunction(expr.expr);
  if (expr instanceof Grouping) return callsStatusFunction(expr.group);
  if (expr instanceof IndexAccess) return callsStatusFunction(expr.expr) || callsStatusFunction(expr.index);
  return false;
}

/** GitHub's truthiness of a plain value (`''`, `0`, `false`, `null` are false). */
export function isTruthy(value: unknown): boolean {
  return truthy(toData(value));
}
