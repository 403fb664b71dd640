/**
 * Turns the issues our ODCS schemas produce into the sentences a contract author needs: one issue
 * for a rule with two operators instead of one per operator, the allowed options of a logical
 * type, the server type a field belongs to. Runs only on documents that failed, so it costs nothing
 * on the fast path.
 */
import { formatPath, parsePath, type ValidationIssue } from '../validation.js';
import { type OperatorName, operatorNames, referencePattern, stableIdPattern } from './odcs-schema-parts.js';

type Segment = string | number;

const UNKNOWN = 'is not a known property here';
const REQUIRED = 'is required';
const REFUSED = 'boolean schema is false';

function valueAt(doc: unknown, segments: readonly Segment[]): unknown {
  let current = doc;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isOperator = (key: Segment | undefined): key is OperatorName =>
  typeof key === 'string' && (operatorNames as string[]).includes(key);

interface Located {
  issue: ValidationIssue;
  segments: Segment[];
  parent: string;
  key: Segment | undefined;
}

export interface RefineContext {
  /** The logical types' options of the rules that produced the issues. */
  logicalTypeOptions: Record<string, Record<string, object>>;
}

/** Rewrites, merges and keeps issues; never returns fewer than one issue for a failed document. */
export function refineIssues(
  issues: ValidationIssue[],
  doc: unknown,
  context: RefineContext,
): ValidationIssue[] {
  const located: Located[] = issues.map((issue) => {
    const segments = parsePath(issue.path);
    return { issue, segments, parent: formatPath(segments.slice(0, -1)), key: segments.at(-1) };
  });

  const out: ValidationIssue[] = [];
  const emitted = new Set<string>();
  const emit = (issue: ValidationIssue): void => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (emitted.has(key)) return;
    emitted.add(key);
    out.push(issue);
  };

  // Operators missing: every operator is reported "is required" under the same rule.
  const missingOperators = new Map<string, number>();
  for (const l of located) {
    if (l.issue.message === REQUIRED && isOperator(l.key)) {
      missingOperators.set(l.parent, (missingOperators.get(l.parent) ?? 0) + 1);
    }
  }

  for (const l of located) {
    const { issue, segments, parent, key } = l;
    const owner = valueAt(doc, segments.slice(0, -1));

    if (issue.message === REFUSED && isOperator(key) && isRecord(owner)) {
      const present = Object.keys(owner).filter(isOperator);
      emit({
        path: parent,
        message: `has ${present.length} operators (${present.join(', ')}); a quality rule takes exactly one`,
      });
      continue;
    }
    if (
      issue.message === REQUIRED &&
      isOperator(key) &&
      missingOperators.get(parent) === operatorNames.length
    ) {
      emit({ path: parent, message: `needs an operator: one of ${operatorNames.join(', ')}` });
      continue;
    }
    emit(rewrite(l, owner, doc, context));
  }
  return out.length > 0 ? out : issues;
}

function rewrite(l: Located, owner: unknown, doc: unknown, context: RefineContext): ValidationIssue {
  const { issue, segments, key } = l;
  const container = segments.at(-3);
  const inQualityRule = typeof segments.at(-2) === 'number' && container === 'quality';

  if (issue.message === UNKNOWN && isRecord(owner)) {
    if (inQualityRule && isOperator(key)) {
      return {
        path: issue.path,
        message:
          'is an operator, which only a library rule (with a metric) or an sql rule (with a query) takes',
      };
    }
    if (segments.at(-2) === 'logicalTypeOptions') {
      const property = valueAt(doc, segments.slice(0, -2));
      const logicalType = isRecord(property) ? property.logicalType : undefined;
      if (typeof logicalType !== 'string') {
        return {
          path: issue.path,
          message: 'is not allowed without a logicalType (the options depend on it)',
        };
      }
      const options = Object.keys(context.logicalTypeOptions[logicalType] ?? {});
      return {
        path: issue.path,
        message: `is not an option of logicalType ${logicalType}; its options are: ${options.join(', ')}`,
      };
    }
    if ((key === 'properties' || key === 'items') && typeof owner.logicalType === 'string') {
      const needs = key === 'properties' ? 'object' : 'array';
      return { path: issue.path, message: `is only allowed when logicalType is ${needs}` };
    }
    if (key === 'from' && container === 'relationships') {
      return {
        path: issue.path,
        message: "is not allowed on a property's relationship: the property is the source, so give only 'to'",
      };
    }
    if (container === 'servers' && typeof owner.type === 'string') {
      return { path: issue.path, message: `is not a field of ${owner.type} servers` };
    }
  }

  if (issue.message === REQUIRED && isRecord(owner)) {
    if (container === 'servers' && typeof owner.type === 'string' && key !== 'server' && key !== 'type') {
      return { path: issue.path, message: `is required for ${owner.type} servers` };
    }
    if (inQualityRule && key === 'metric' && typeof owner.rule === 'string') {
      return {
        path: issue.path,
        message:
          'is required: since v3.1.0 a library rule names its metric (the v3.0 key rule is deprecated)',
      };
    }
  }

  if (issue.message === `must match pattern "${stableIdPattern}"`) {
    return { path: issue.path, message: 'must contain only letters, digits, _ and -' };
  }
  if (issue.message === `must match pattern "${referencePattern}"`) {
    return {
      path: issue.path,
      message: 'must be a reference such as table.column or schema/<id>/properties/<id>',
    };
  }
  return issue;
}
