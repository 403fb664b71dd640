/**
 * Charter's internal model of an ODCS v3.1.0 data contract, hand-written from the standard. The
 * JSON Schema stays the source of truth for what is valid; these types describe what code may rely
 * on after validation (and after upgradeOdcs for v3.0.x input). The standard extends through
 * `customProperties`; the few places it leaves open carry an index signature.
 */

export type OdcsApiVersion = 'v3.1.0';

/** An optional stable identifier (RFC 26): letters, digits, `_` and `-`. */
export type OdcsStableId = string;

export interface OdcsCustomProperty {
  id?: OdcsStableId;
  property: string;
  value: unknown;
  description?: string;
}

export interface OdcsAuthoritativeDefinition {
  id?: OdcsStableId;
  url: string;
  /** e.g. businessDefinition, transformationImplementation, videoTutorial, tutorial, implementation */
  type: string;
  description?: string;
}

interface OdcsExtensible {
  tags?: string[];
  customProperties?: OdcsCustomProperty[];
  authoritativeDefinitions?: OdcsAuthoritativeDefinition[];
}

export interface OdcsContract extends OdcsExtensible {
  apiVersion: OdcsApiVersion;
  kind: 'DataContract';
  id: string;
  version: string;
  /** e.g. proposed, draft, active, deprecated, retired */
  status: string;
  name?: string;
  tenant?: string;
  domain?: string;
  /** @deprecated since v3.1.0: link contracts to products through ODPS ports. */
  dataProduct?: string;
  description?: OdcsDescription;
  schema?: OdcsSchemaObject[];
  servers?: OdcsServer[];
  support?: OdcsSupportItem[];
  price?: OdcsPrice;
  team?: OdcsTeam;
  roles?: OdcsRole[];
  /** @deprecated since v3.1.0 */
  slaDefaultElement?: string;
  slaProperties?: OdcsSlaProperty[];
  /** ISO 8601 date-time */
  contractCreatedTs?: string;
}

/** The one part of the top level the standard leaves open. */
export interface OdcsDescription {
  usage?: string;
  purpose?: string;
  limitations?: string;
  authoritativeDefinitions?: OdcsAuthoritativeDefinition[];
  customProperties?: OdcsCustomProperty[];
  [key: string]: unknown;
}

interface OdcsSchemaElement extends OdcsExtensible {
  id?: OdcsStableId;
  name?: string;
  physicalType?: string;
  description?: string;
  businessName?: string;
}

export interface OdcsSchemaObject extends OdcsSchemaElement {
  name: string;
  logicalType?: 'object';
  physicalName?: string;
  dataGranularityDescription?: string;
  properties?: OdcsProperty[];
  relationships?: OdcsSchemaRelationship[];
  quality?: OdcsQuality[];
}

export type OdcsLogicalType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'time'
  | 'object'
  | 'array';

/** The options of a property's logical type (each logical type allows its own subset). */
export interface OdcsLogicalTypeOptions {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number | string;
  maximum?: number | string;
  exclusiveMinimum?: number | string;
  exclusiveMaximum?: number | string;
  multipleOf?: number;
  timezone?: boolean;
  defaultTimezone?: string;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  /** A boolean property's options are not specified by the standard. */
  [key: string]: unknown;
}

/** An element of an array property (`items`): a property whose name is optional. */
export interface OdcsArrayItem extends OdcsSchemaElement {
  logicalType?: OdcsLogicalType;
  logicalTypeOptions?: OdcsLogicalTypeOptions;
  physicalName?: string;
  primaryKey?: boolean;
  primaryKeyPosition?: number;
  required?: boolean;
  unique?: boolean;
  partitioned?: boolean;
  partitionKeyPosition?: number;
  /** Free text: e.g. public, internal, confidential, restricted. */
  classification?: string;
  encryptedName?: string;
  transformSourceObjects?: string[];
  transformLogic?: string;
  transformDescription?: string;
  examples?: unknown[];
  criticalDataElement?: boolean;
  relationships?: OdcsPropertyRelationship[];
  quality?: OdcsQuality[];
  /** Nested fields, for logicalType object. */
  properties?: OdcsProperty[];
  /** The element type, for logicalType array. */
  items?: OdcsArrayItem;
}

export interface OdcsProperty extends OdcsArrayItem {
  name: string;
}

/** A reference: `table.column`, or `[file.yaml#]section/id/...`. */
export type OdcsReference = string;

export interface OdcsPropertyRelationship {
  type?: 'foreignKey';
  to: OdcsReference | OdcsReference[];
  customProperties?: OdcsCustomProperty[];
}

export interface OdcsSchemaRelationship {
  type?: 'foreignKey';
  /** Both ends are single references, or both lists of the same length (a composite key). */
  from: OdcsReference | OdcsReference[];
  to: OdcsReference | OdcsReference[];
  customProperties?: OdcsCustomProperty[];
}

// ---------------------------------------------------------------------------------------------
// Quality

export type OdcsQualityDimension =
  | 'accuracy'
  | 'completeness'
  | 'conformity'
  | 'consistency'
  | 'coverage'
  | 'timeliness'
  | 'uniqueness';

export type OdcsMetric = 'nullValues' | 'missingValues' | 'invalidValues' | 'duplicateValues' | 'rowCount';

/** Exactly one of these is set on a library or sql rule. `mustBeBetween` is inclusive in Charter. */
export interface OdcsOperators {
  mustBe?: unknown;
  mustNotBe?: unknown;
  mustBeGreaterThan?: number;
  mustBeGreaterOrEqualTo?: number;
  mustBeLessThan?: number;
  mustBeLessOrEqualTo?: number;
  mustBeBetween?: [number, number];
  mustNotBeBetween?: [number, number];
}

interface OdcsQualityBase extends OdcsExtensible {
  id?: OdcsStableId;
  name?: string;
  description?: string;
  dimension?: OdcsQualityDimension;
  /** e.g. reconciliation */
  method?: string;
  /** e.g. info, warning, error */
  severity?: string;
  /** e.g. operational, regulatory */
  businessImpact?: string;
  /** rows (default) or percent */
  unit?: string;
  schedule?: string;
  scheduler?: string;
}

/** Documentation only; never executed. */
export interface OdcsTextRule extends OdcsQualityBase {
  type: 'text';
}

export interface OdcsLibraryRule extends OdcsQualityBase, OdcsOperators {
  /** A rule naming a metric is a library rule even without a type. */
  type?: 'library';
  metric: OdcsMetric;
  /** e.g. `{ validValues: [...] }`, `{ missingValues: [...] }`, `{ pattern }`, `{ properties: [...] }` */
  arguments?: Record<string, unknown>;
  /** @deprecated v3.0 name of `metric` */
  rule?: string;
}

export interface OdcsSqlRule extends OdcsQualityBase, OdcsOperators {
  type: 'sql';
  query: string;
}

export interface OdcsCustomRule extends OdcsQualityBase {
  type: 'custom';
  /** e.g. soda, greatExpectations, montecarlo, dbt */
  engine: string;
  /** Handed to the engine as-is. */
  implementation: string | Record<string, unknown>;
}

export type OdcsQuality = OdcsTextRule | OdcsLibraryRule | OdcsSqlRule | OdcsCustomRule;

// ---------------------------------------------------------------------------------------------
// Servers

interface OdcsHostPortDatabase {
  host: string;
  port: number;
  database: string;
}

/** The fields each server type adds; `?` marks the ones the standard does not require. */
export interface OdcsServerFields {
  api: { location: string };
  athena: { stagingDir: string; schema: string; catalog?: string; regionName?: string };
  azure: { location: string; format: string; delimiter?: string };
  bigquery: { project: string; dataset: string };
  clickhouse: OdcsHostPortDatabase;
  cloudsql: OdcsHostPortDatabase & { schema: string };
  custom: {
    account?: string;
    catalog?: string;
    database?: string;
    dataset?: string;
    delimiter?: string;
    endpointUrl?: string;
    format?: string;
    host?: string;
    location?: string;
    path?: string;
    port?: number;
    project?: string;
    region?: string;
    regionName?: string;
    schema?: string;
    serviceName?: string;
    stagingDir?: string;
    warehouse?: string;
    stream?: string;
  };
  databricks: { host?: string; catalog: string; schema: string };
  db2: OdcsHostPortDatabase & { schema?: string };
  denodo: { host: string; port: number; database?: string };
  dremio: { host: string; port: number; schema?: string };
  duckdb: { database: string; schema?: string };
  glue: { account: string; database: string; location?: string; format?: string };
  hive: { host: string; port?: number; database: string };
  impala: { host: string; port?: number; database: string };
  informix: { host: string; port?: number; database: string };
  kafka: { host: string; format?: string };
  kinesis: { region?: string; format?: string };
  local: { path: string; format: string };
  mysql: OdcsHostPortDatabase;
  oracle: { host: string; port: number; serviceName: string };
  postgres: OdcsHostPortDatabase & { schema: string };
  postgresql: OdcsHostPortDatabase & { schema: string };
  presto: { host: string; catalog?: string; schema?: string };
  pubsub: { project: string };
  redshift: { host?: string; database: string; schema: string; region?: string; account?: string };
  s3: { location: string; endpointUrl?: string; format?: string; delimiter?: string };
  sftp: { location: string; format?: string; delimiter?: string };
  snowflake: {
    host?: string;
    port?: number;
    account: string;
    database: string;
    schema: string;
    warehouse?: string;
  };
  sqlserver: { host: string; port?: number; database: string; schema: string };
  synapse: OdcsHostPortDatabase;
  trino: { host: string; port: number; catalog: string; schema: string };
  vertica: OdcsHostPortDatabase & { schema: string };
  zen: { host: string; port?: number; database: string };
}

export type OdcsServerType = keyof OdcsServerFields;

export interface OdcsServerCommon {
  id?: OdcsStableId;
  /** The server's identifier within the contract. */
  server: string;
  description?: string;
  /** e.g. prod, preprod, dev, uat */
  environment?: string;
  roles?: OdcsRole[];
  customProperties?: OdcsCustomProperty[];
}

/** A server, discriminated by `type`. */
export type OdcsServer = {
  [T in OdcsServerType]: OdcsServerCommon & { type: T } & OdcsServerFields[T];
}[OdcsServerType];

// ---------------------------------------------------------------------------------------------
// People, access, support, price, SLA

export interface OdcsTeamMember extends OdcsExtensible {
  id?: OdcsStableId;
  username: string;
  name?: string;
  description?: string;
  role?: string;
  /** ISO 8601 date */
  dateIn?: string;
  /** ISO 8601 date */
  dateOut?: string;
  replacedByUsername?: string;
}

export interface OdcsTeam extends OdcsExtensible {
  id?: OdcsStableId;
  name?: string;
  description?: string;
  members?: OdcsTeamMember[];
}

export interface OdcsRole {
  id?: OdcsStableId;
  /** The IAM role name. */
  role: string;
  description?: string;
  /** e.g. read, write */
  access?: string;
  firstLevelApprovers?: string;
  secondLevelApprovers?: string;
  customProperties?: OdcsCustomProperty[];
}

export interface OdcsSupportItem {
  id?: OdcsStableId;
  channel: string;
  url?: string;
  description?: string;
  /** e.g. email, slack, teams, discord, ticket, googlechat, other */
  tool?: string;
  /** e.g. interactive, announcements, issues, notifications */
  scope?: string;
  invitationUrl?: string;
  customProperties?: OdcsCustomProperty[];
}

export interface OdcsPrice {
  id?: OdcsStableId;
  priceAmount?: number;
  priceCurrency?: string;
  priceUnit?: string;
}

export type OdcsScalar = string | number | boolean | null;

export interface OdcsSlaProperty {
  id?: OdcsStableId;
  /** e.g. latency, retention, frequency, availability (case-insensitive) */
  property: string;
  value: OdcsScalar;
  valueExt?: OdcsScalar;
  /** e.g. d, day, days, y, yr, years */
  unit?: string;
  /** e.g. table.column */
  element?: string;
  /** e.g. regulatory, analytics, operational */
  driver?: string;
  description?: string;
  scheduler?: string;
  schedule?: string;
}
