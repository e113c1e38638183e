// A parameter schema as JSON Schema (draft 2020-12), so other tools can validate or build forms
// for a system's params (`lab list --json`). Units go in "x-unit"; every field keeps its meaning.
import type { ParamSchema, ParamSpec } from './params';

export type JsonSchema = Record<string, unknown>;

/** One parameter's JSON Schema. */
export function paramJsonSchema(s: ParamSpec): JsonSchema {
  const common = { title: s.label, description: s.description, default: s.default, ...(s.rebuild ? { 'x-rebuild': true } : {}) };
  switch (s.kind) {
    case 'number':
      return {
        ...common,
        type: s.integer ? 'integer' : 'number',
        [s.minExclusive ? 'exclusiveMinimum' : 'minimum']: s.min,
        [s.maxExclusive ? 'exclusiveMaximum' : 'maximum']: s.max,
        ...(s.unit ? { 'x-unit': s.unit } : {}),
      };
    case 'enum':
      return { ...common, type: 'string', enum: [...s.options], ...(s.optionLabels ? { 'x-option-labels': s.optionLabels } : {}) };
    case 'boolean':
      return { ...common, type: 'boolean' };
    case 'string':
      return { ...common, type: 'string', minLength: 1, maxLength: s.maxLength };
    case 'range':
      // A value or lo:hi; the bounds [min, max] are checked by the lab (JSON Schema cannot say it of text).
      return { ...common, type: 'string', pattern: '^[^:]+(:[^:]+)?$', 'x-range': [s.min, s.max], ...(s.unit ? { 'x-unit': s.unit } : {}) };
  }
}

/** The whole schema: an object of exactly these params, each required. */
export function paramsJsonSchema(schema: ParamSchema, title: string): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    type: 'object',
    properties: Object.fromEntries(schema.specs.map((s) => [s.name, paramJsonSchema(s)])),
    required: schema.specs.map((s) => s.name),
    additionalProperties: false,
  };
}
