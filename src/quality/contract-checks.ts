/**
 * Compiles an ODCS v3 contract into engine-neutral checks: schema conformance from the properties,
 * the `quality` rules at table and property level, and the SLA (freshness, retention, latency between
 * two columns; the other SLA properties as skipped checks that say why). Pure; an
 * engine later turns the checks into SQL.
 */
import {
  type CheckSpec,
  type Expectation,
  type Measure,
  OPERATORS,
  type Operator,
  type Predicate,
} from './quality-types.js';

type Obj = Record<string, unknown>;

export interface TablePlan {
  /** The schema object's `name` (what rules and SLA elements refer to). */
  name: string;
  /** `physicalName`, else `name`: the table in a database server. */
  physicalName: string;
  /** Declared top-level properties in order. */
  columns: ColumnSpec[];
  checks: CheckSpec[];
}

export interface ColumnSpec {
  name: string;
  logicalType?: string;
  physicalType?: string;
  required: boolean;
  classification?: string;
  /** Nested properties (objects) and array items, for type conformance. */
  nested?: ColumnSpec[];
  items?: ColumnSpec;
}

export interface ContractPlan {
  tables: TablePlan[];
  /** Contract-level checks that name no table we know (e.g. an SLA element on an unknown table). */
  problems: CheckSpec[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Words a rule's `severity` may use, mapped to score weights (unknown or absent: as `error`). */
export const SEVERITY_WEIGHTS: Record<string, number> = {
  critical: 5,
  blocker: 5,
  error: 3,
  high: 3,
  major: 3,
  warning: 2,
  warn: 2,
  medium: 2,
  info: 1,
  low: 1,
  minor: 1,
  trivial: 1,
};

export function severityWeight(severity: string | undefined): number {
  return severity ? (SEVERITY_WEIGHTS[severity.toLowerCase()] ?? 3) : 3;
}

/** Formats an expectation for people and for stored results: "= 0", "between 1 and 5". */
export function describeExpectation(e: Expectation | undefined, unit: CheckSpec['unit']): string {
  if (!e) return '';
  const u = unit === 'percent' ? '%' : unit === 'seconds' ? ' s' : ' rows';
  const v = e.value;
  if (Array.isArray(v)) {
    return `${e.operator === 'mustBeBetween' ? 'between' : 'not between'} ${v[0]} and ${v[1]}${u} (inclusive)`;
  }
  const sign: Record<Operator, string> = {
    mustBe: '=',
    mustNotBe: '≠',
    mustBeGreaterThan: '>',
    mustBeGreaterOrEqualTo: '≥',
    mustBeLessThan: '<',
    mustBeLessOrEqualTo: '≤',
    mustBeBetween: 'between',
    mustNotBeBetween: 'not between',
  };
  return `${sign[e.operator]} ${typeof v === 'string' ? `'${v}'` : v}${typeof v === 'number' ? u : ''}`;
}

/** Whether a measured value meets the expectation; between is inclusive, as datacontract-cli has it. */
export function meets(measured: number | string, e: Expectation): boolean {
  const v = e.value;
  const n = typeof measured === 'number' ? measured : Number(measured);
  switch (e.operator) {
    case 'mustBe':
      return typeof v === 'number' ? n === v : String(measured) === String(v);
    case 'mustNotBe':
      return typeof v === 'number' ? n !== v : String(measured) !== String(v);
    case 'mustBeGreaterThan':
      return n > Number(v);
    case 'mustBeGreaterOrEqualTo':
      return n >= Number(v);
    case 'mustBeLessThan':
      return n < Number(v);
    case 'mustBeLessOrEqualTo':
      return n <= Number(v);
    case 'mustBeBetween': {
      const [lo, hi] = v as [number, number];
      return n >= lo && n <= hi;
    }
    case 'mustNotBeBetween': {
      const [lo, hi] = v as [number, number];
      return n < lo || n > hi;
    }
  }
}

/** The rule's operator, or a reason it has none / several / a malformed value. */
function expectationOf(rule: Obj): Expectation | { problem: string } | undefined {
  const present = OPERATORS.filter((op) => rule[op] !== undefined);
  if (!present.length) return undefined;
  if (present.length > 1)
    return { problem: `has ${present.length} operators (${present.join(', ')}); ODCS allows exactly one` };
  const operator = present[0]!;
  const value = rule[operator];
  if (operator === 'mustBeBetween' || operator === 'mustNotBeBetween') {
    if (
      !Array.isArray(value) ||
      value.length !== 2 ||
      typeof value[0] !== 'number' ||
      typeof value[1] !== 'number' ||
      value[0] > value[1]
    )
      return { problem: `${operator} needs [min, max]: two numbers, the smaller first` };
    return { operator, value: [value[0], value[1]] };
  }
  if (operator === 'mustBe' || operator === 'mustNotBe') {
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
      return { operator, value };
    return { problem: `${operator} needs a number or a string` };
  }
  if (typeof value !== 'number') return { problem: `${operator} needs a number` };
  return { operator, value };
}

const skip = (reason: string): Measure => ({ kind: 'notExecutable', status: 'skipped', reason });

function columnSpec(p: Obj): ColumnSpec {
  const spec: ColumnSpec = { name: String(p.name), required: p.required === true };
  const lt = str(p.logicalType);
  const pt = str(p.physicalType);
  if (lt) spec.logicalType = lt;
  if (pt) spec.physicalType = pt;
  const cls = str(p.classification);
  if (cls) spec.classification = cls;
  const nested = list(p.properties).filter((n) => str(n.name));
  if (nested.length) spec.nested = nested.map(columnSpec);
  if (isObj(p.items)) spec.items = columnSpec({ name: 'items', ...p.items });
  return spec;
}

const FORMAT_PATTERNS: Record<string, string> = {
  email: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
  uuid: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  uri: '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]*$',
  url: '^[A-Za-z][A-Za-z0-9+.-]*://[^\\s]+$',
  ipv4: '^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$',
};

/** Builds the checks of one contract. Unknown or unexecutable rules become skipped checks, never passes. */
export function compileContract(doc: Obj): ContractPlan {
  const tables: TablePlan[] = [];
  const problems: CheckSpec[] = [];
  const ids = new Map<string, number>();
  const uniqueId = (id: string) => {
    const n = (ids.get(id) ?? 0) + 1;
    ids.set(id, n);
    return n === 1 ? id : `${id}#${n}`;
  };

  for (const object of list(doc.schema)) {
    const name = str(object.name);
    if (!name) continue;
    const table: TablePlan = {
      name,
      physicalName: str(object.physicalName) ?? name,
      columns: [],
      checks: [],
    };
    tables.push(table);
    const add = (spec: Omit<CheckSpec, 'id'> & { id?: string }) =>
      table.checks.push({ ...spec, id: uniqueId(spec.id ?? `${name}.${spec.field ?? ''}.${spec.type}`) });

    for (const p of list(object.properties)) {
      const field = str(p.name);
      if (!field) continue;
      const column = columnSpec(p);
      table.columns.push(column);
      const required = p.required === true;
      const base = { table: name, field, category: 'schema' as const, unit: 'rows' as const };
      add({
        ...base,
        type: 'present',
        name: `Column ${field} exists`,
        dimension: 'conformity',
        measure: { kind: 'columnPresent', column: field, required },
      });
      if (column.logicalType || column.physicalType) {
        add({
          ...base,
          type: 'type',
          name: `Column ${field} has a type compatible with ${column.logicalType ?? column.physicalType}`,
          dimension: 'conformity',
          measure: {
            kind: 'columnType',
            column: field,
            logicalType: column.logicalType ?? '',
            ...(column.physicalType ? { physicalType: column.physicalType } : {}),
          },
        });
      }
      const zero: Expectation = { operator: 'mustBe', value: 0 };
      const count = (type: string, title: string, predicate: Predicate, dimension = 'conformity') =>
        add({
          ...base,
          type,
          name: title,
          dimension,
          expectation: zero,
          measure: { kind: 'count', predicate },
        });
      if (required)
        count('required', `${field} has no nulls`, { kind: 'null', column: field }, 'completeness');
      if (p.unique === true)
        add({
          ...base,
          type: 'unique',
          name: `${field} has no duplicates`,
          dimension: 'uniqueness',
          expectation: zero,
          measure: { kind: 'duplicates', columns: [field] },
        });
      const o = isObj(p.logicalTypeOptions) ? p.logicalTypeOptions : {};
      const lt = column.logicalType ?? '';
      const minLength = num(o.minLength);
      const maxLength = num(o.maxLength);
      if (minLength !== undefined)
        count('minLength', `${field} is at least ${minLength} characters`, {
          kind: 'shorterThan',
          column: field,
          length: minLength,
        });
      if (maxLength !== undefined)
        count('maxLength', `${field} is at most ${maxLength} characters`, {
          kind: 'longerThan',
          column: field,
          length: maxLength,
        });
      const pattern = str(o.pattern);
      if (pattern)
        count('pattern', `${field} matches ${pattern}`, { kind: 'notMatching', column: field, pattern });
      const format = str(o.format);
      if (format && lt === 'string') {
        const fp = FORMAT_PATTERNS[format.toLowerCase()];
        if (fp)
          count('format', `${field} is a valid ${format}`, {
            kind: 'notMatching',
            column: field,
            pattern: fp,
          });
        else
          add({
            ...base,
            type: 'format',
            name: `${field} has format ${format}`,
            measure: skip(`format '${format}' is not checked by Charter (email, uuid, uri, url, ipv4 are)`),
          });
      }
      const as = lt === 'date' ? 'date' : lt === 'timestamp' ? 'timestamp' : 'number';
      const bound = (key: string, b: 'min' | 'max', exclusive: boolean) => {
        const raw = o[key];
        const value = as === 'number' ? num(raw) : str(raw);
        if (value === undefined) return;
        const sign = b === 'min' ? (exclusive ? '>' : '≥') : exclusive ? '<' : '≤';
        count(key, `${field} ${sign} ${value}`, {
          kind: 'outOfRange',
          column: field,
          bound: b,
          value,
          exclusive,
          as,
        });
      };
      bound('minimum', 'min', false);
      bound('exclusiveMinimum', 'min', true);
      bound('maximum', 'max', false);
      bound('exclusiveMaximum', 'max', true);
      const multipleOf = num(o.multipleOf);
      if (multipleOf)
        count('multipleOf', `${field} is a multiple of ${multipleOf}`, {
          kind: 'notMultipleOf',
          column: field,
          divisor: multipleOf,
        });
      // ODCS v3.2 `enum` (a valid-value list on the property).
      const enumValues = Array.isArray(p.enum)
        ? p.enum
            .map((e) => (isObj(e) ? e.value : e))
            .filter((v) => ['string', 'number', 'boolean'].includes(typeof v))
        : [];
      if (enumValues.length)
        count('enum', `${field} is one of ${enumValues.length} valid values`, {
          kind: 'notIn',
          column: field,
          values: enumValues as (string | number | boolean)[],
        });
      list(p.quality).forEach((rule, i) => {
        add(compileRule(rule, name, field, i));
      });
    }
    list(object.quality).forEach((rule, i) => {
      add(compileRule(rule, name, undefined, i));
    });
  }

  for (const [i, sla] of list(doc.slaProperties).entries()) {
    const spec = compileSla(sla, tables, i);
    const table = tables.find((t) => t.name === spec.table);
    const withId = { ...spec, id: uniqueId(spec.id) };
    if (table) table.checks.push(withId);
    else problems.push(withId);
  }
  return { tables, problems };
}

function compileRule(
  rule: Obj,
  table: string,
  field: string | undefined,
  index: number,
): Omit<CheckSpec, 'id'> & { id?: string } {
  const type =
    str(rule.type) ?? (rule.metric !== undefined || rule.rule !== undefined ? 'library' : 'library');
  const at = field ? `${table}.${field}` : table;
  const common = {
    ...(str(rule.id) ? { id: str(rule.id)! } : {}),
    table,
    ...(field ? { field } : {}),
    category: 'quality' as const,
    ...(str(rule.dimension) ? { dimension: str(rule.dimension)! } : {}),
    ...(str(rule.severity) ? { severity: str(rule.severity)! } : {}),
    ...(Array.isArray(rule.tags) && rule.tags.some((t) => typeof t === 'string')
      ? { tags: rule.tags.filter((t): t is string => typeof t === 'string') }
      : {}),
  };
  const title = str(rule.name) ?? str(rule.description);
  const unit = rule.unit === 'percent' ? ('percent' as const) : ('rows' as const);
  if (type === 'text')
    return {
      ...common,
      id: common.id ?? `${at}.text[${index}]`,
      type: 'text',
      name: title ?? 'Text rule',
      unit: 'rows',
      measure: skip('text rules describe an expectation for people; they are recorded, not executed'),
    };
  if (type === 'custom') {
    const engine = str(rule.engine) ?? 'unknown';
    return {
      ...common,
      id: common.id ?? `${at}.custom[${index}]`,
      type: 'custom',
      name: title ?? `Custom ${engine} rule`,
      unit: 'rows',
      measure: skip(`custom engine '${engine}' is not run by Charter; run it with its own tool`),
    };
  }
  const expectation = expectationOf(rule);
  const problem = expectation && 'problem' in expectation ? expectation.problem : undefined;
  if (type === 'sql') {
    const query = str(rule.query);
    const base = {
      ...common,
      id: common.id ?? `${at}.sql[${index}]`,
      type: 'sql',
      name: title ?? 'SQL rule',
      unit: 'rows' as const,
    };
    if (!query) return { ...base, measure: errorMeasure('a sql rule needs a query') };
    if (problem) return { ...base, measure: errorMeasure(`the rule ${problem}`) };
    if (!expectation)
      return { ...base, measure: errorMeasure('a sql rule needs an operator such as mustBe') };
    return { ...base, expectation: expectation as Expectation, measure: { kind: 'sql', query } };
  }
  if (type !== 'library') {
    return {
      ...common,
      id: common.id ?? `${at}.${type}[${index}]`,
      type,
      name: title ?? `${type} rule`,
      unit: 'rows',
      measure: skip(`rule type '${type}' is not one of text, library, sql, custom`),
    };
  }
  // v3.0.x wrote `rule:`; v3.1.0 `metric:`. duplicateCount was the v3.0 name of duplicateValues.
  let metric = str(rule.metric) ?? str(rule.rule) ?? '';
  if (metric === 'duplicateCount') metric = 'duplicateValues';
  const args = isObj(rule.arguments) ? rule.arguments : {};
  const base = {
    ...common,
    id: common.id ?? `${at}.${metric || 'library'}`,
    type: metric || 'library',
    name: title ?? defaultTitle(metric, field),
  };
  if (problem) return { ...base, unit, measure: errorMeasure(`the rule ${problem}`) };
  const zero: Expectation = { operator: 'mustBe', value: 0 };
  const e = (expectation as Expectation | undefined) ?? zero;
  const needField = (m: string) =>
    errorMeasure(`metric ${m} applies to a property; put the rule under a property of '${table}'`);
  switch (metric) {
    case 'rowCount':
      return {
        ...base,
        unit: 'rows',
        expectation: (expectation as Expectation | undefined) ?? { operator: 'mustBeGreaterThan', value: 0 },
        measure: { kind: 'rowCount' },
      };
    case 'nullValues':
      if (!field) return { ...base, unit, measure: needField(metric) };
      return {
        ...base,
        unit,
        expectation: e,
        measure: { kind: 'count', predicate: { kind: 'null', column: field } },
      };
    case 'missingValues': {
      if (!field) return { ...base, unit, measure: needField(metric) };
      const raw = Array.isArray(args.missingValues) ? args.missingValues : [null, ''];
      const values = raw.filter((v) => v !== null && ['string', 'number', 'boolean'].includes(typeof v)) as (
        | string
        | number
        | boolean
      )[];
      return {
        ...base,
        unit,
        expectation: e,
        measure: {
          kind: 'count',
          predicate: {
            kind: 'missing',
            column: field,
            values,
            includesNull: raw.includes(null) || !raw.length,
          },
        },
      };
    }
    case 'invalidValues': {
      if (!field) return { ...base, unit, measure: needField(metric) };
      const valid = Array.isArray(args.validValues)
        ? (args.validValues.filter(
            (v) => v !== null && ['string', 'number', 'boolean'].includes(typeof v),
          ) as (string | number | boolean)[])
        : undefined;
      const pattern = str(args.pattern);
      if (!valid && !pattern)
        return {
          ...base,
          unit,
          measure: errorMeasure('invalidValues needs arguments.validValues or arguments.pattern'),
        };
      return {
        ...base,
        unit,
        expectation: e,
        measure: {
          kind: 'count',
          predicate: {
            kind: 'invalid',
            column: field,
            ...(valid ? { validValues: valid } : {}),
            ...(pattern ? { pattern } : {}),
          },
        },
      };
    }
    case 'duplicateValues': {
      const columns = Array.isArray(args.properties)
        ? args.properties.filter((c): c is string => typeof c === 'string')
        : field
          ? [field]
          : [];
      if (!columns.length)
        return {
          ...base,
          unit,
          measure: errorMeasure('a table-level duplicateValues rule needs arguments.properties: [columns]'),
        };
      return { ...base, unit, expectation: e, measure: { kind: 'duplicates', columns } };
    }
    default:
      return {
        ...base,
        unit,
        measure: skip(
          metric
            ? `metric '${metric}' is not one of nullValues, missingValues, invalidValues, duplicateValues, rowCount`
            : 'a library rule needs a metric',
        ),
      };
  }
}

function defaultTitle(metric: string, field: string | undefined): string {
  const f = field ? ` of ${field}` : '';
  switch (metric) {
    case 'rowCount':
      return 'Row count';
    case 'nullValues':
      return `Null values${f}`;
    case 'missingValues':
      return `Missing values${f}`;
    case 'invalidValues':
      return `Invalid values${f}`;
    case 'duplicateValues':
      return `Duplicate values${f}`;
    default:
      return `Rule ${metric}`;
  }
}

/** A check that cannot run because the rule itself is malformed: reported as an error, not a pass. */
function errorMeasure(reason: string): Measure {
  return { kind: 'notExecutable', status: 'error', reason: `invalid rule: ${reason}` };
}

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
  mo: 2592000,
  month: 2592000,
  months: 2592000,
  y: 31536000,
  yr: 31536000,
  yrs: 31536000,
  year: 31536000,
  years: 31536000,
};

/** Seconds in an SLA value: a number with a unit, or an ISO-8601 duration (P1Y, PT36H). */
export function durationSeconds(
  value: unknown,
  unit: unknown,
  property: 'freshness' | 'retention' | 'latency',
): number | undefined {
  if (typeof value === 'string') {
    const m =
      /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
        value.trim(),
      );
    if (m && value.trim().length > 1) {
      const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => (x ? Number(x) : 0)) as number[];
      return y! * 31536000 + mo! * 2592000 + w! * 604800 + d! * 86400 + h! * 3600 + mi! * 60 + s!;
    }
    if (/^\d+(\.\d+)?$/.test(value.trim())) return durationSeconds(Number(value), unit, property);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const u = typeof unit === 'string' ? unit.trim().toLowerCase() : 'd';
  // datacontract-cli reads `m` as minutes for freshness and as months for retention; latency is
  // a matter of minutes too.
  if (u === 'm') return value * (property === 'retention' ? 2592000 : 60);
  const factor = UNIT_SECONDS[u];
  return factor === undefined ? undefined : value * factor;
}

/** Why an SLA property says nothing Charter can measure in the data (lower-cased names). */
const SLA_NOT_MEASURABLE: Record<string, string> = {
  frequency:
    'frequency is how often the data is updated; one look at the data cannot tell when it was updated',
  generalavailability: 'generalAvailability is a date in the product’s life, not a property of the data',
  endofsupport: 'endOfSupport is a date in the product’s life, not a property of the data',
  endoflife: 'endOfLife is a date in the product’s life, not a property of the data',
  timeofavailability: 'timeOfAvailability needs the time each load arrived, which the data does not record',
  timetodetect: 'timeToDetect is a commitment about handling incidents, not a property of the data',
  timetonotify: 'timeToNotify is a commitment about handling incidents, not a property of the data',
  timetorepair: 'timeToRepair is a commitment about handling incidents, not a property of the data',
};

/** `table.column` elements of an SLA, comma-separated as ODCS allows; a bare column needs one table. */
function slaElements(element: string, tables: TablePlan[]): { table: string; column: string }[] {
  return element
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => {
      const parts = e.split('.');
      return parts.length >= 2
        ? { table: parts[0]!, column: parts.slice(1).join('.') }
        : { table: tables.length === 1 ? tables[0]!.name : '', column: parts[0] ?? '' };
    });
}

/**
 * One SLA property as a check. Freshness and retention measure the newest and oldest value of a
 * timestamp element; latency with two elements (when it happened, when it arrived) measures the
 * largest gap between them. Every other property is a skipped check that says why — never a pass.
 */
function compileSla(sla: Obj, tables: TablePlan[], index: number): CheckSpec {
  const written = str(sla.property) ?? '';
  const property = written.toLowerCase();
  const element = str(sla.element) ?? '';
  const elements = slaElements(element, tables);
  const first = elements[0];
  const known = property === 'freshness' || property === 'retention' || property === 'latency';
  const unitText = `${sla.value}${sla.unit ? ` ${sla.unit}` : ''}`;
  const base = {
    id: str(sla.id) ?? `sla.${known ? property : written || 'unnamed'}${index ? `[${index}]` : ''}`,
    table: first?.table ?? (tables.length === 1 ? tables[0]!.name : ''),
    ...(first?.column ? { field: first.column } : {}),
    category: 'sla' as const,
    type: known ? property : written || 'unnamed',
    name:
      property === 'freshness'
        ? `Newest ${element || '(no element)'} is at most ${unitText} old`
        : property === 'retention'
          ? `Oldest ${element || '(no element)'} is at most ${unitText} old`
          : property === 'latency'
            ? `${element || '(no element)'}: at most ${unitText} from event to arrival`
            : `SLA ${written || '(no property)'}${sla.value !== undefined ? ` ${unitText}` : ''}`,
    dimension: 'timeliness',
    unit: 'seconds' as const,
  };
  if (!known) {
    const reason =
      SLA_NOT_MEASURABLE[property] ??
      `SLA property '${written || '(none)'}' is not one Charter measures in the data (freshness, retention and latency between two columns are)`;
    return { ...base, measure: skip(`not executable: ${reason}`) };
  }
  const seconds = durationSeconds(sla.value, sla.unit, property);
  if (property === 'latency') {
    if (elements.length !== 2)
      return {
        ...base,
        measure: skip(
          'not executable: latency is measured between two timestamp columns of one table; name them as element: table.event_time, table.arrival_time',
        ),
      };
    const [from, to] = elements as [{ table: string; column: string }, { table: string; column: string }];
    if (from.table !== to.table)
      return {
        ...base,
        measure: skip(
          `not executable: latency between columns of two tables ('${from.table}', '${to.table}') needs a join Charter does not make`,
        ),
      };
    if (seconds === undefined)
      return {
        ...base,
        measure: errorMeasure(
          `slaProperties latency value '${String(sla.value)}' with unit '${String(sla.unit ?? '')}' is not a duration`,
        ),
      };
    return {
      ...base,
      expectation: { operator: 'mustBeLessOrEqualTo', value: seconds },
      measure: { kind: 'lag', from: from.column, to: to.column },
    };
  }
  if (!first?.column || !first.table)
    return {
      ...base,
      measure: errorMeasure(`slaProperties ${property} needs an element such as table.timestamp_column`),
    };
  if (seconds === undefined)
    return {
      ...base,
      measure: errorMeasure(
        `slaProperties ${property} value '${String(sla.value)}' with unit '${String(sla.unit ?? '')}' is not a duration`,
      ),
    };
  return {
    ...base,
    expectation: { operator: 'mustBeLessThan', value: seconds },
    measure: { kind: 'age', column: first.column, of: property === 'freshness' ? 'newest' : 'oldest' },
  };
}
