import type { InputDef } from './model.js';

/** Bad inputs for a dispatch or a call: GitHub refuses to start the run. */
export class WorkflowInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowInputError';
  }
}

/** The `inputs` context (typed) and `github.event.inputs` (strings) of a run. */
export interface TypedInputs {
  inputs: Record<string, unknown>;
  eventInputs: Record<string, string>;
}

/**
 * Applies declared inputs to what a dispatch or a caller gave, with GitHub's rules: unknown inputs
 * and missing required ones are refused; dispatch values arrive as strings and are converted by type
 * (`choice` must be one of the options); a caller must pass the declared type (a boolean input given the
 * string 'true' is "Unexpected type of value 'true', expected type: Boolean").
 */
export function typeInputs(declared: Record<string, InputDef>, given: Record<string, unknown>, mode: 'dispatch' | 'call', file: string): TypedInputs {
  const inputs: Record<string, unknown> = {};
  const eventInputs: Record<string, string> = {};
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length) {
    throw new WorkflowInputError(
      mode === 'call'
        ? `${file}: Invalid input, ${unknown.join(', ')} is not defined in the referenced workflow.`
        : `${file}: Unexpected inputs provided: ${JSON.stringify(unknown)}`,
    );
  }
  for (const [name, def] of Object.entries(declared)) {
    const type = def?.type ?? 'string';
    let value: unknown = given[name];
    if (value === undefined) {
      if (def?.required && def.default === undefined) {
        throw new WorkflowInputError(
          mode === 'call' ? `${file}: Input ${name} is required, but not provided while calling.` : `${file}: Required input '${name}' not provided`,
        );
      }
      value = def?.default ?? (type === 'boolean' ? false : type === 'number' ? 0 : '');
      if (mode === 'call' || type === 'boolean' || type === 'number') value = convert(name, value, type, file, 'dispatch');
    } else value = convert(name, value, type, file, mode);
    if (type === 'choice' && def?.options && !def.options.includes(String(value))) {
      throw new WorkflowInputError(
        `${file}: Provided value '${String(value)}' for input '${name}' not in the list of allowed values: ${def.options.join(', ')}`,
      );
    }
    inputs[name] = value;
    eventInputs[name] = String(value);
  }
  return { inputs, eventInputs };
}

function convert(name: string, value: unknown, type: string, file: string, mode: 'dispatch' | 'call'): unknown {
  const mismatch = (): never => {
    throw new WorkflowInputError(
      `${file}: input '${name}': Unexpected type of value '${String(value)}', expected type: ${type[0].toUpperCase()}${type.slice(1)}.`,
    );
  };
  switch (type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (mode === 'dispatch' && (value === 'true' || value === 'false')) return value === 'true';
      return mismatch();
    case 'number': {
      if (typeof value === 'number') return value;
      if (mode === 'dispatch' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return mismatch();
    }
    default:
      // A boolean or number given to a string input becomes its text, as on GitHub.
      return typeof value === 'string' ? value : String(value);
  }
}
