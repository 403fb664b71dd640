/**
 * Building blocks shared by Charter's ODCS v3.0.x and v3.1.0 JSON Schemas: value shapes, the
 * quality-rule operators, the per-type server fields and the per-logical-type options.
 *
 * The schemas are written for precise errors rather than as a copy of the official files: keys are
 * marked as known in branches that cannot fail and validated in separate branches, so a failing
 * branch never turns its valid neighbours into "unknown property" noise; discriminators (server
 * `type`, rule `type`, `logicalType`) select one branch each.
 */

export const text = { type: 'string' } as const;
export const integer = { type: 'integer' } as const;
export const decimal = { type: 'number' } as const;
export const flag = { type: 'boolean' } as const;
export const count = { type: 'integer', minimum: 0 } as const;
export const uri = { type: 'string', format: 'uri' } as const;
export const date = { type: 'string', format: 'date' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const anyArray = { type: 'array' } as const;
export const anyObject = { type: 'object' } as const;
export const textList = { type: 'array', items: text } as const;
/** A scalar: what an SLA value may be. */
export const scalar = { type: ['string', 'number', 'boolean', 'null'] } as const;

export function ref(name: string): { $ref: string } {
  return { $ref: `#/$defs/${name}` };
}

export function listOf(items: object): { type: 'array'; items: object } {
  return { type: 'array', items };
}

/** An object with exactly these keys. */
export function closedObject(properties: Record<string, unknown>, required: readonly string[] = []): object {
  return {
    type: 'object',
    ...(required.length ? { required } : {}),
    properties,
    additionalProperties: false,
  };
}

/** An object with these keys typed and any other key allowed (v3.0.x left most objects open). */
export function openObject(properties: Record<string, unknown>, required: readonly string[] = []): object {
  return { type: 'object', ...(required.length ? { required } : {}), properties };
}

/** A JSON Schema conditional: `{ if, then, else }`. Built from entries because Biome reads an
 *  object literal with a `then` key as a would-be promise. */
export function when(condition: object, consequence: object, alternative?: object): object {
  return Object.fromEntries([
    ['if', condition],
    ['then', consequence],
    ...(alternative ? [['else', alternative]] : []),
  ]);
}

/** Matches when `key` is present and equal to `value` (or one of `value`). */
export function whenIs(key: string, value: string | readonly string[]): object {
  return {
    properties: { [key]: typeof value === 'string' ? { const: value } : { enum: value } },
    required: [key],
  };
}

/** Matches when `key` is absent or equal to `value` (how the official schema's bare `if` reads). */
export function whenAbsentOrIs(key: string, value: string): object {
  return { properties: { [key]: { const: value } } };
}

/** Marks keys as known for `unevaluatedProperties` without validating them; cannot fail. */
export function known(keys: readonly string[]): { properties: Record<string, true> } {
  return { properties: Object.fromEntries(keys.map((key) => [key, true])) };
}

/** When `key` holds a value outside `values`, stop reporting other keys as unknown: the bad
 *  discriminator is the one issue worth showing (the document is invalid either way). */
export function quietWhenUnknown(key: string, values: readonly string[]): object {
  return { if: { properties: { [key]: { enum: values } } }, else: { additionalProperties: true } };
}

// ---------------------------------------------------------------------------------------------
// Identifiers and references (v3.1.0)

export const stableIdPattern = '^[A-Za-z0-9_-]+$';

const shorthandRef = String.raw`[A-Za-z_]\w*\.[A-Za-z_]\w*`;
const qualifiedRef = String.raw`(?:(?:https?:\/\/)?[\w.\/-]+\.yaml#)?\/?[A-Za-z_]\w*\/[\w-]+(?:\/[A-Za-z_]\w*\/[\w-]+)*`;
/** `table.column`, or `[file.yaml#]section/id[/section/id…]`. */
export const referencePattern = `^(?:${shorthandRef}|${qualifiedRef})$`;

// ---------------------------------------------------------------------------------------------
// Quality rules

export const qualityTypes = ['library', 'sql', 'custom', 'text'] as const;
export const qualityDimensions = [
  'accuracy',
  'completeness',
  'conformity',
  'consistency',
  'coverage',
  'timeliness',
  'uniqueness',
] as const;
export const qualityMetrics = [
  'nullValues',
  'missingValues',
  'invalidValues',
  'duplicateValues',
  'rowCount',
] as const;

const range = { type: 'array', minItems: 2, maxItems: 2, uniqueItems: true, items: decimal } as const;

export const operatorValues = {
  mustBe: true,
  mustNotBe: true,
  mustBeGreaterThan: decimal,
  mustBeGreaterOrEqualTo: decimal,
  mustBeLessThan: decimal,
  mustBeLessOrEqualTo: decimal,
  mustBeBetween: range,
  mustNotBeBetween: range,
} as const;

export type OperatorName = keyof typeof operatorValues;
export const operatorNames = Object.keys(operatorValues) as OperatorName[];

/** Exactly one operator, with a value of the right type. A second operator is refused where it
 *  stands (`false`), which the issue refiner turns into one sentence about the rule. */
export const exactlyOneOperator = {
  properties: operatorValues,
  dependentSchemas: Object.fromEntries(
    operatorNames.map((name) => [
      name,
      {
        properties: Object.fromEntries(
          operatorNames.filter((other) => other !== name).map((o) => [o, false]),
        ),
      },
    ]),
  ),
  anyOf: operatorNames.map((name) => ({ required: [name] })),
} as const;

// ---------------------------------------------------------------------------------------------
// Servers: the fields each server type adds, and which of them it requires

export interface ServerLayout {
  fields: Record<string, object>;
  required: readonly string[];
}

function layout(fields: Record<string, object>, required: readonly string[] = []): ServerLayout {
  return { fields, required };
}

const host = text;
const port = integer;
const hostPortDatabase = { host, port, database: text };
const hostPortDatabaseSchema = { host, port, database: text, schema: text };

/** v3.1.0: one entry per server `type`. */
export const serverLayoutsV31 = {
  api: layout({ location: uri }, ['location']),
  athena: layout({ stagingDir: uri, schema: text, catalog: text, regionName: text }, [
    'stagingDir',
    'schema',
  ]),
  azure: layout({ location: uri, format: text, delimiter: text }, ['location', 'format']),
  bigquery: layout({ project: text, dataset: text }, ['project', 'dataset']),
  clickhouse: layout(hostPortDatabase, ['host', 'port', 'database']),
  cloudsql: layout(hostPortDatabaseSchema, ['host', 'port', 'database', 'schema']),
  custom: layout({
    account: text,
    catalog: text,
    database: text,
    dataset: text,
    delimiter: text,
    endpointUrl: uri,
    format: text,
    host,
    location: uri,
    path: text,
    port,
    project: text,
    region: text,
    regionName: text,
    schema: text,
    serviceName: text,
    stagingDir: text,
    warehouse: text,
    stream: text,
  }),
  databricks: layout({ host, catalog: text, schema: text }, ['catalog', 'schema']),
  db2: layout(hostPortDatabaseSchema, ['host', 'port', 'database']),
  denodo: layout(hostPortDatabase, ['host', 'port']),
  dremio: layout({ host, port, schema: text }, ['host', 'port']),
  duckdb: layout({ database: text, schema: text }, ['database']),
  glue: layout({ account: text, database: text, location: uri, format: text }, ['account', 'database']),
  hive: layout(hostPortDatabase, ['host', 'database']),
  impala: layout(hostPortDatabase, ['host', 'database']),
  informix: layout(hostPortDatabase, ['host', 'database']),
  kafka: layout({ host, format: text }, ['host']),
  kinesis: layout({ region: text, format: text }),
  local: layout({ path: text, format: text }, ['path', 'format']),
  mysql: layout(hostPortDatabase, ['host', 'port', 'database']),
  oracle: layout({ host, port, serviceName: text }, ['host', 'port', 'serviceName']),
  postgres: layout(hostPortDatabaseSchema, ['host', 'port', 'database', 'schema']),
  postgresql: layout(hostPortDatabaseSchema, ['host', 'port', 'database', 'schema']),
  presto: layout({ host, catalog: text, schema: text }, ['host']),
  pubsub: layout({ project: text }, ['project']),
  redshift: layout({ host, database: text, schema: text, region: text, account: text }, [
    'database',
    'schema',
  ]),
  s3: layout({ location: uri, endpointUrl: uri, format: text, delimiter: text }, ['location']),
  sftp: layout(
    { location: { type: 'string', format: 'uri', pattern: '^sftp://' }, format: text, delimiter: text },
    ['location'],
  ),
  snowflake: layout({ host, port, account: text, database: text, schema: text, warehouse: text }, [
    'account',
    'database',
    'schema',
  ]),
  sqlserver: layout(hostPortDatabaseSchema, ['host', 'database', 'schema']),
  synapse: layout(hostPortDatabase, ['host', 'port', 'database']),
  trino: layout({ host, port, catalog: text, schema: text }, ['host', 'port', 'catalog', 'schema']),
  vertica: layout(hostPortDatabaseSchema, ['host', 'port', 'database', 'schema']),
  zen: layout(hostPortDatabase, ['host', 'database']),
} satisfies Record<string, ServerLayout>;

export type ServerTypeV31 = keyof typeof serverLayoutsV31;
export const serverTypesV31 = Object.keys(serverLayoutsV31) as ServerTypeV31[];

const fileFormatV30 = { enum: ['parquet', 'delta', 'json', 'csv'] } as const;
const delimiterV30 = { enum: ['new_line', 'array'] } as const;

/** v3.0.x: no hive, impala or zen; file formats were enums; duckdb's schema was (oddly) an integer. */
export const serverLayoutsV30: Record<string, ServerLayout> = (() => {
  const { hive: _hive, impala: _impala, zen: _zen, ...rest } = serverLayoutsV31;
  const { stream: _stream, ...customFields } = serverLayoutsV31.custom.fields;
  return {
    ...rest,
    azure: layout({ location: uri, format: fileFormatV30, delimiter: delimiterV30 }, ['location', 'format']),
    custom: layout(customFields),
    duckdb: layout({ database: text, schema: integer }, ['database']),
    s3: layout({ location: uri, endpointUrl: uri, format: fileFormatV30, delimiter: delimiterV30 }, [
      'location',
    ]),
    sftp: layout(
      {
        location: { type: 'string', format: 'uri', pattern: '^sftp://' },
        format: fileFormatV30,
        delimiter: delimiterV30,
      },
      ['location'],
    ),
  };
})();

/** One `if type = T then …` branch per server type: the type's fields closed over the common ones,
 *  so a missing field gives one "is required" and a stray field one "is not a known property". */
export function serverBranches(
  layouts: Record<string, ServerLayout>,
  common: Record<string, unknown>,
  closed: boolean,
): object[] {
  return Object.entries(layouts).map(([type, { fields, required }]) =>
    when(
      whenIs('type', type),
      closed
        ? closedObject({ ...known(Object.keys(common)).properties, ...fields }, required)
        : openObject(fields, required),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Schema properties: logical types and their options

export const logicalTypesV31 = [
  'string',
  'integer',
  'number',
  'boolean',
  'date',
  'timestamp',
  'time',
  'object',
  'array',
] as const;
export const logicalTypesV30 = ['string', 'integer', 'number', 'boolean', 'date', 'object', 'array'] as const;

const integerFormats = ['i8', 'i16', 'i32', 'i64', 'i128', 'u8', 'u16', 'u32', 'u64', 'u128'] as const;

const stringOptions = { minLength: count, maxLength: count, pattern: text, format: text };
const objectOptions = {
  minProperties: count,
  maxProperties: count,
  required: { type: 'array', items: text, minItems: 1, uniqueItems: true },
};
const arrayOptions = { minItems: count, maxItems: count, uniqueItems: flag };

function numericOptions(bound: object, exclusiveBound: object, formats: readonly string[]) {
  return {
    multipleOf: { type: 'number', exclusiveMinimum: 0 },
    minimum: bound,
    maximum: bound,
    exclusiveMinimum: exclusiveBound,
    exclusiveMaximum: exclusiveBound,
    format: { enum: formats },
  };
}

/** v3.1.0: exclusive bounds are values (`exclusiveMaximum: 10`), as in JSON Schema since draft 6. */
export const logicalTypeOptionsV31: Record<string, Record<string, object>> = {
  string: stringOptions,
  integer: numericOptions(decimal, decimal, integerFormats),
  number: numericOptions(decimal, decimal, ['f32', 'f64']),
  date: { format: text, minimum: text, maximum: text, exclusiveMinimum: text, exclusiveMaximum: text },
  timestamp: {
    format: text,
    minimum: text,
    maximum: text,
    exclusiveMinimum: text,
    exclusiveMaximum: text,
    timezone: flag,
    defaultTimezone: text,
  },
  object: objectOptions,
  array: arrayOptions,
};
logicalTypeOptionsV31.time = logicalTypeOptionsV31.timestamp!;

/** v3.0.x: exclusive bounds were flags on `minimum`/`maximum`. */
export const logicalTypeOptionsV30: Record<string, Record<string, object>> = {
  string: stringOptions,
  integer: numericOptions(decimal, flag, integerFormats),
  number: numericOptions(decimal, flag, ['f32', 'f64']),
  date: { format: text, minimum: text, maximum: text, exclusiveMinimum: flag, exclusiveMaximum: flag },
  object: objectOptions,
  array: arrayOptions,
};

/**
 * The branches of a schema property that depend on its `logicalType`:
 * - each typed logical type closes `logicalTypeOptions` to its own options;
 * - with no logicalType, `logicalTypeOptions` must be empty (the official schema reaches the same
 *   result by applying every type's options at once);
 * - `properties` (nested fields) belong to object or untyped properties, `items` to array or
 *   untyped ones; they are marked known in one branch and validated in another.
 */
export function logicalTypeBranches(
  logicalTypes: readonly string[],
  options: Record<string, Record<string, object>>,
  propertyRef: string,
  itemRef: string,
): object[] {
  return [
    ...Object.entries(options).map(([logicalType, shape]) =>
      when(whenIs('logicalType', logicalType), { properties: { logicalTypeOptions: closedObject(shape) } }),
    ),
    when(
      { not: { required: ['logicalType'] } },
      { properties: { logicalTypeOptions: { additionalProperties: false } } },
    ),
    when(whenAbsentOrIs('logicalType', 'object'), known(['properties'])),
    when(whenAbsentOrIs('logicalType', 'object'), { properties: { properties: listOf(ref(propertyRef)) } }),
    when(whenAbsentOrIs('logicalType', 'array'), known(['items'])),
    when(whenAbsentOrIs('logicalType', 'array'), { properties: { items: ref(itemRef) } }),
    quietWhenUnknown('logicalType', logicalTypes),
  ];
}

/** The keys every schema element has (objects and properties); v3.1.0 adds `id`. */
export function elementKeys(withId: boolean): Record<string, object> {
  return {
    ...(withId ? { id: ref('StableId') } : {}),
    name: text,
    physicalType: text,
    description: text,
    businessName: text,
    authoritativeDefinitions: ref('AuthoritativeDefinitions'),
    tags: ref('Tags'),
    customProperties: ref('CustomProperties'),
  };
}

/** The keys of a schema property beyond the element keys. */
export function propertyKeys(logicalTypes: readonly string[]): Record<string, object> {
  return {
    primaryKey: flag,
    primaryKeyPosition: integer,
    logicalType: { enum: logicalTypes },
    logicalTypeOptions: anyObject,
    physicalName: text,
    required: flag,
    unique: flag,
    partitioned: flag,
    partitionKeyPosition: integer,
    classification: text,
    encryptedName: text,
    transformSourceObjects: textList,
    transformLogic: text,
    transformDescription: text,
    examples: anyArray,
    criticalDataElement: flag,
    quality: ref('QualityRules'),
  };
}
