/**
 * The vocabulary of data quality: checks compiled from a contract, and (re-exported from the store
 * port, which owns the records it keeps) their results, runs and incidents.
 */
import type { CheckCategory } from '../store/quality-store.js';

export type {
  CheckCategory,
  CheckResult,
  CheckStatus,
  ContractRunResult,
  FailedSample,
  FailingCheck,
  Incident,
  IncidentEvent,
  QualityRun,
  RunScope,
  RunStatus,
  RunSummary,
  TableTiming,
} from '../store/quality-store.js';

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
  /** Seconds from one timestamp column to another, the largest over the rows (SLA latency). */
  | { kind: 'lag'; from: string; to: string }
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
  /** The rule's ODCS `tags` (for selecting checks with --tag). */
  tags?: string[];
  unit: 'rows' | 'percent' | 'seconds';
  expectation?: Expectation;
  measure: Measure;
}
