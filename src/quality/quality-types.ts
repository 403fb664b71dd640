/**
 * The vocabulary of data quality: checks compiled from a contract, their results, and the runs that
 * hold them. Pure types, shared by the compiler, the engines, the store and the edges.
 */

export type CheckStatus = 'passed' | 'failed' | 'error' | 'skipped';
/** `error` means the data could not be reached or the server type is not supported. */
export type RunStatus = 'passed' | 'failed' | 'error';
export type CheckCategory = 'schema' | 'quality' | 'sla';

export type Operator =
  | 'mustBe'
  | 'mustNotBe'
  | 'mustBeGreaterThan'
  | 'mustBeGreaterOrEqualTo'
  | 'mustBeLessThan'
  | 'mustBeLessOrEqualTo'
  | 'mustBeBetween'
  | 'mustNotBeBetween';

export const OPERATORS: readonly Operator[] = [
  'mustBe',
  'mustNotBe',
  'mustBeGreaterThan',
  'mustBeGreaterOrEqualTo',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
  'mustNotBeBetween',
];

export interface Expectation {
  operator: Operator;
  /** A number, a string (mustBe/mustNotBe), or [min, max] for the between operators. */
  value: number | string | boolean | [number, number];
}

/** A row-level condition; a check counts the rows where it holds (the bad rows). */
export type Predicate =
  | { kind: 'null'; column: string }
  | { kind: 'missing'; column: string; values: (string | number | boolean)[]; includesNull: boolean }
  | {
      kind: 'invalid';
      column: string;
      validValues?: (string | number | boolean)[];
      pattern?: string;
    }
  | { kind: 'notIn'; column: string; values: (string | number | boolean)[] }
  | { kind: 'notMatching'; column: string; pattern: string }
  | { kind: 'shorterThan'; column: string; length: number }
  | { kind: 'longerThan'; column: string; length: number }
  | {
      kind: 'outOfRange';
      column: string;
      bound: 'min' | 'max';
      value: number | string;
      exclusive: boolean;
      /** How to compare: numbers, or dates/timestamps given as ISO strings. */
      as: 'number' | 'date' | 'timestamp';
    }
  | { kind: 'notMultipleOf'; column: string; divisor: number };

/** What a check measures; the compiler turns each into SQL for one engine. */
export type Measure =
  | { kind: 'columnPresent'; column: string; required: boolean }
  | { kind: 'columnType'; column: string; logicalType: string; physicalType?: string }
  | { kind: 'rowCount' }
  | { kind: 'count'; predicate: Predicate }
  | { kind: 'duplicates'; columns: string[] }
  | { kind: 'sql'; query: string }
  /** Seconds since the newest (freshness) or oldest (retention) value of a timestamp column. */
  | { kind: 'age'; column: string; of: 'newest' | 'oldest' }
  | { kind: 'notExecutable'; status: 'skipped' | 'error'; reason: string };

export interface CheckSpec {
  /** Stable within a contract: the rule's ODCS `id` when it has one, else derived from its place. */
  id: string;
  table: string;
  field?: string;
  category: CheckCategory;
  /** e.g. required, unique, pattern, nullValues, invalidValues, sql, freshness. */
  type: string;
  name: string;
  dimension?: string;
  severity?: string;
  unit: 'rows' | 'percent' | 'seconds';
  expectation?: Expectation;
  measure: Measure;
}

export interface FailedSample {
  /** Column name → value; values of confidential (or higher) columns are masked as "***". */
  [column: string]: unknown;
}

export interface CheckResult {
  id: string;
  table: string;
  field?: string;
  category: CheckCategory;
  type: string;
  name: string;
  dimension?: string;
  severity?: string;
  status: CheckStatus;
  /** The measured number (rows, percent or seconds), or null when nothing was measured. */
  measured: number | string | null;
  unit: 'rows' | 'percent' | 'seconds';
  /** Human-readable expectation, e.g. "= 0 rows" or "between 10 and 100 rows". */
  expected: string;
  /** Why the check failed, errored or was skipped. */
  message?: string;
  durationMs: number;
  engine: string;
  samples?: FailedSample[];
}

export interface TableTiming {
  table: string;
  statements: number;
  durationMs: number;
}

/** What one contract's checks found on one server, before it is stored. */
export interface ContractRunResult {
  status: RunStatus;
  server: string | null;
  serverType: string | null;
  engine: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  message?: string;
  checks: CheckResult[];
  /** The SQL statements that were run, in order (for `--explain` and the benchmark). */
  statements: string[];
}

/** A stored run: one dataset, one contract version, one server. */
export interface QualityRun extends ContractRunResult {
  id: string;
  ref: string;
  domain: string | null;
  contractVersion: number;
  actor: string;
  trigger: 'manual' | 'schedule' | 'api';
  counts: Record<CheckStatus, number>;
  /** Severity-weighted share of passing checks, 0..100; null when nothing was executed. */
  score: number | null;
  owners: string[];
  stewards: string[];
}

export type RunSummary = Omit<QualityRun, 'checks' | 'statements'>;

export interface IncidentEvent {
  time: string;
  action: 'opened' | 'updated' | 'resolved';
  runId: string;
  actor: string;
  failing: string[];
}

export interface FailingCheck {
  id: string;
  status: CheckStatus;
  name: string;
  measured: number | string | null;
  expected: string;
  message?: string;
}

export interface Incident {
  id: string;
  ref: string;
  domain: string | null;
  state: 'open' | 'resolved';
  title: string;
  assignees: string[];
  failing: FailingCheck[];
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  lastRunId: string;
  runs: number;
  timeline: IncidentEvent[];
}
