/**
 * Compiles JSON Schemas (written by us, in TypeScript) with Ajv and turns Ajv's errors into
 * ValidationIssues with readable paths and one-sentence expectations.
 */
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { pointerToPath, type ValidationIssue } from './validation.js';

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2019) => void;

let shared: Ajv2019 | undefined;

function ajv(): Ajv2019 {
  if (!shared) {
    shared = new Ajv2019({ allErrors: true, strict: false, discriminator: true });
    addFormats(shared);
  }
  return shared;
}

export type Validator = (doc: unknown) => ValidationIssue[];

/**
 * A validator for the schema, compiled when it first validates: a process (a CLI command, a sweep
 * worker) compiles only the schemas of the kinds it meets.
 */
export function compileSchema(schema: object): Validator {
  let validate: ValidateFunction | undefined;
  return (doc) => {
    validate ??= ajv().compile(schema);
    return validate(doc) ? [] : toIssues(validate.errors ?? [], doc, schema);
  };
}

/**
 * The description the schema gives a property it requires (the `required` error's schemaPath
 * names the object's schema, `#/properties/spec/required`), so "is required" can say what to give.
 */
function requiredDescription(schema: object | undefined, schemaPath: string, property: string) {
  if (!schema || !schemaPath.startsWith('#/')) return undefined;
  let node: unknown = schema;
  for (const raw of schemaPath.slice(2).split('/').slice(0, -1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  const prop = (node as { properties?: Record<string, { description?: unknown }> } | undefined)?.properties?.[
    property
  ];
  return typeof prop?.description === 'string' ? prop.description : undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function valueAt(doc: unknown, pointer: string): unknown {
  let current: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function join(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return segment.startsWith('[') ? segment : segment;
  return segment.startsWith('[') ? `${path}${segment}` : `${path}.${segment}`;
}

function toIssue(error: ErrorObject, doc: unknown, schema?: object): ValidationIssue | undefined {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const what = requiredDescription(schema, error.schemaPath, missing);
      return { path: join(path, missing), message: what ? `is required: ${what}` : 'is required' };
    }
    case 'additionalProperties':
      return {
        path: join(path, String(params.additionalProperty)),
        message: 'is not a known property here',
      };
    case 'unevaluatedProperties':
      return {
        path: join(path, String(params.unevaluatedProperty)),
        message: 'is not a known property here',
      };
    case 'enum':
      return {
        path,
        message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type': {
      const actual = valueAt(doc, error.instancePath);
      const hint =
        params.type === 'string' && typeof actual === 'number'
          ? ' (quote it: YAML reads an unquoted 1.0 as a number)'
          : '';
      return { path, message: `must be ${params.type}, not ${describeValue(actual)}${hint}` };
    }
    case 'if':
    case 'oneOf':
    case 'anyOf':
      return undefined; // the errors of the branches say more
    case 'not':
      return { path, message: error.message ? `${error.message} (${error.schemaPath})` : 'is not allowed' };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** Ajv reports every branch of a oneOf; keep the specific ones, drop exact duplicates. */
export function toIssues(errors: ErrorObject[], doc: unknown, schema?: object): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const issue = toIssue(error, doc, schema);
    if (!issue) continue;
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  if (issues.length === 0 && errors.length > 0) {
    const first = errors[0]!;
    issues.push({
      path: pointerToPath(first.instancePath),
      message:
        first.keyword === 'oneOf' ? 'matches none of the allowed shapes' : (first.message ?? 'is invalid'),
    });
  }
  return issues;
}
