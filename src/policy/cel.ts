/**
 * CEL for policy rules: one environment with the variables and functions rules may use, compiled
 * once per rule, with a static bound on cost (AST size, depth, nested comprehensions) and a
 * per-asset cost estimate before evaluation, so an adversarial rule cannot hang the server.
 */
import { Environment } from '@marcbachmann/cel-js';

export const POLICY_VARIABLES = [
  'asset',
  'previous',
  'table',
  'field',
  'domain',
  'charter',
  'now',
  'ref',
  'kind',
  'owners',
  'stewards',
  'lineage',
] as const;

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
export const MAX_COMPREHENSION_DEPTH = 3;
/** Estimated iterations above which a rule is not evaluated for an asset. */
export const MAX_ESTIMATED_STEPS = 20_000_000;

export interface CompileError {
  message: string;
  /** 1-based line and column of the problem in the rule, when known. */
  line?: number;
  column?: number;
}

export interface CompiledRule {
  source: string;
  /** Deepest nesting of comprehension macros (all, exists, map, filter …). */
  comprehensionDepth: number;
  /** The rule names `now` (its verdict can change with time alone, no write needed). */
  readsNow: boolean;
  evaluate(context: Record<string, unknown>): unknown;
}

let levelOrder: readonly string[] = [];

function makeEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: false,
    homogeneousAggregateLiterals: false,
    limits: {
      maxAstNodes: 2000,
      maxDepth: 32,
      maxListElements: 1000,
      maxMapEntries: 1000,
      maxCallArguments: 16,
    },
  });
  for (const name of POLICY_VARIABLES) {
    if (name === 'now') env.registerVariable(name, 'google.protobuf.Timestamp');
    else if (name === 'ref' || name === 'kind') env.registerVariable(name, 'string');
    else if (name === 'owners' || name === 'stewards') env.registerVariable(name, 'list');
    else env.registerVariable(name, 'map');
  }
  // classificationRank("confidential") → its position in the charter's ordered levels (-1 if unknown).
  env.registerFunction('classificationRank(dyn): int', (level: unknown) =>
    BigInt(typeof level === 'string' ? levelOrder.indexOf(level) : -1),
  );
  return env;
}

const env = makeEnvironment();

/** Runs `fn` with the charter's classification order visible to classificationRank(). */
export function withLevels<T>(levels: readonly string[], fn: () => T): T {
  const previous = levelOrder;
  levelOrder = levels;
  try {
    return fn();
  } finally {
    levelOrder = previous;
  }
}

function position(message: string): { line?: number; column?: number } {
  // cel-js points at the problem with a caret under the rule: ">    1 | rule\n            ^"
  const lines = message.split('\n');
  const src = lines.findIndex((l) => /^>\s+\d+ \|/.test(l));
  if (src < 0) return {};
  const lineNo = Number(lines[src]!.match(/^>\s+(\d+)/)![1]);
  const caretLine = lines[src + 1] ?? '';
  const prefix = lines[src]!.indexOf('|') + 2;
  const caret = caretLine.indexOf('^');
  return caret >= 0 ? { line: lineNo, column: caret - prefix + 1 } : { line: lineNo };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

type AstNode = { op?: string; args?: unknown; [k: string]: unknown };

/** Deepest nesting of comprehension macros in the AST. */
function comprehensionDepth(node: unknown): number {
  if (!node || typeof node !== 'object') return 0;
  if (Array.isArray(node)) return Math.max(0, ...node.map(comprehensionDepth));
  const n = node as AstNode;
  let own = 0;
  if (
    n.op === 'rcall' &&
    Array.isArray(n.args) &&
    typeof n.args[0] === 'string' &&
    COMPREHENSIONS.has(n.args[0])
  )
    own = 1;
  let inner = 0;
  for (const value of Object.values(n)) {
    if (value && typeof value === 'object') inner = Math.max(inner, comprehensionDepth(value));
  }
  return own + inner;
}

/** Whether the AST names the variable `now` (a comprehension variable of that name counts too). */
function namesNow(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(namesNow);
  const n = node as AstNode;
  if (n.op === 'id' && n.args === 'now') return true;
  return Object.values(n).some((value) => value !== null && typeof value === 'object' && namesNow(value));
}

export function compileRule(source: string): CompiledRule | CompileError {
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(source);
  } catch (error) {
    const message = (error as Error).message;
    return { message: `does not parse: ${firstLine(message)}`, ...position(message) };
  }
  const checked = env.check(source);
  if (!checked.valid) {
    const message = checked.error?.message ?? 'is not valid';
    return { message: `does not type-check: ${firstLine(message)}`, ...position(message) };
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { message: `must return a boolean (true = the asset passes), but returns ${checked.type}` };
  }
  const depth = comprehensionDepth((parsed as unknown as { ast: unknown }).ast);
  if (depth > MAX_COMPREHENSION_DEPTH) {
    return {
      message: `nests ${depth} comprehensions (all/exists/map/filter); at most ${MAX_COMPREHENSION_DEPTH} are allowed`,
    };
  }
  return {
    source,
    comprehensionDepth: depth,
    readsNow: namesNow((parsed as unknown as { ast: unknown }).ast),
    evaluate: (context) => parsed(context),
  };
}

export function isCompileError(value: CompiledRule | CompileError): value is CompileError {
  return !('evaluate' in value);
}

/** Longest list anywhere in a value (bounded walk), for the cost estimate. */
export function longestList(value: unknown, budget = { nodes: 200_000 }): number {
  if (budget.nodes-- <= 0 || !value || typeof value !== 'object') return 0;
  if (Array.isArray(value)) {
    let max = value.length;
    for (const v of value) max = Math.max(max, longestList(v, budget));
    return max;
  }
  let max = 0;
  for (const v of Object.values(value)) max = Math.max(max, longestList(v, budget));
  return max;
}

export function estimatedSteps(rule: CompiledRule, longest: number): number {
  // A comprehension iterates over at most the longest list it can see (or a literal of ≤ 1000).
  return Math.max(longest, 1000) ** rule.comprehensionDepth;
}

/** Converts cel-js results (bigint) to JSON-friendly values. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

export function celErrorMessage(error: unknown): string {
  return firstLine((error as Error)?.message ?? String(error));
}
