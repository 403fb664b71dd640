/**
 * Reading OpenLineage events (spec 2-0-x: RunEvent, JobEvent, DatasetEvent) the lenient way the
 * HTTP transport needs: the core of an event is checked strictly enough to store it (ids, names,
 * a parseable time), what producers commonly omit (a time zone, `producer`, `schemaURL`, facet
 * `_producer`) is accepted and noted, and facets are kept as given. Column lineage becomes
 * field-level edges with their transformations.
 */
import { LINK_ROLES } from '../model/kinds/model-kind.js';

export type EventKind = 'run' | 'job' | 'dataset';

export const EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;

type Json = Record<string, unknown>;

export interface OlDataset {
  namespace: string;
  name: string;
  facets: Json;
  inputFacets: Json;
  outputFacets: Json;
}

export interface OlJob {
  namespace: string;
  name: string;
  facets: Json;
}

export interface ColumnEdge {
  /** The output dataset and field. */
  dataset: { namespace: string; name: string };
  field: string;
  /** The input dataset and field it is derived from. */
  from: { namespace: string; name: string };
  fromField: string;
  transformations: { type: string; subtype?: string; description?: string; masking?: boolean }[];
}

export interface LineageEvent {
  kind: EventKind;
  eventType: string | null;
  /** ISO 8601 in UTC. */
  eventTime: string;
  producer: string | null;
  schemaURL: string | null;
  runId: string | null;
  job: OlJob | null;
  inputs: OlDataset[];
  outputs: OlDataset[];
  /** The dataset of a DatasetEvent. */
  dataset: OlDataset | null;
  runFacets: Json;
  columnEdges: ColumnEdge[];
  /** What the lenient reader assumed or ignored. */
  notes: string[];
}

export type EventCheck = { ok: true; event: LineageEvent } | { ok: false; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

/** An RFC 3339 time, or one without an offset (read as UTC and noted). */
export function readTime(value: unknown, notes: string[], field = 'eventTime'): string {
  if (typeof value !== 'string')
    fail(`${field} is required: an ISO 8601 date-time such as 2024-01-15T10:00:00Z`);
  const m = TIME.exec(value.trim());
  if (!m) fail(`${field} is not an ISO 8601 date-time (expected e.g. 2024-01-15T10:00:00Z)`);
  let zone = m[3];
  if (!zone) {
    notes.push(`${field} has no time zone; it was read as UTC`);
    zone = 'Z';
  } else if (/^[+-]\d{2}$/.test(zone)) zone = `${zone}:00`;
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  // Fractions beyond milliseconds (Python clients send microseconds) are cut to what Date keeps.
  const time = m[2]!.replace(/(\.\d{3})\d+$/, '$1');
  const date = new Date(`${m[1]}T${time.length === 5 ? `${time}:00` : time}${zone.toUpperCase()}`);
  if (Number.isNaN(date.getTime())) fail(`${field} is not a valid date-time`);
  return date.toISOString();
}

/** A date-time read as an event's is (without a time zone: UTC), or why it cannot be. */
export function timeOf(value: string, field: string): { iso: string } | { reason: string } {
  try {
    return { iso: readTime(value, [], field) };
  } catch (error) {
    if (error instanceof Invalid) return { reason: error.message };
    throw error;
  }
}

function name(value: unknown, path: string): string {
  if (typeof value !== 'string' || !value.trim()) fail(`${path} is required: a non-empty string`);
  if (value.length > 1024) fail(`${path} is longer than 1,024 characters`);
  return value;
}

function facetsAt(value: unknown, path: string): Json {
  if (value === undefined || value === null) return {};
  if (!isObj(value)) fail(`${path} must be an object of facets`);
  return value;
}

function dataset(value: unknown, path: string): OlDataset {
  if (!isObj(value)) fail(`${path} must be an object with namespace and name`);
  return {
    namespace: name(value.namespace, `${path}.namespace`),
    name: name(value.name, `${path}.name`),
    facets: facetsAt(value.facets, `${path}.facets`),
    inputFacets: facetsAt(value.inputFacets, `${path}.inputFacets`),
    outputFacets: facetsAt(value.outputFacets, `${path}.outputFacets`),
  };
}

function datasets(value: unknown, path: string): OlDataset[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`${path} must be an array of datasets`);
  if (value.length > 10_000) fail(`${path} lists more than 10,000 datasets`);
  return value.map((d, i) => dataset(d, `${path}[${i}]`));
}

function lacksProducer(facets: Json): boolean {
  return Object.values(facets).some(
    (f) => isObj(f) && (f._producer === undefined || f._schemaURL === undefined),
  );
}

/** Column lineage of one output dataset (`columnLineage` facet, 1-0-x and 1-1/1-2 shapes). */
export function columnEdgesOf(out: { namespace: string; name: string; facets: Json }): ColumnEdge[] {
  const facet = out.facets.columnLineage;
  if (!isObj(facet) || !isObj(facet.fields)) return [];
  const edges: ColumnEdge[] = [];
  for (const [field, spec] of Object.entries(facet.fields)) {
    if (!isObj(spec) || !Array.isArray(spec.inputFields)) continue;
    // 1-0-x put one transformation on the output field; later versions one list per input field.
    const legacy =
      typeof spec.transformationType === 'string'
        ? [
            {
              type: spec.transformationType,
              ...(typeof spec.transformationDescription === 'string'
                ? { description: spec.transformationDescription }
                : {}),
            },
          ]
        : [];
    for (const input of spec.inputFields) {
      if (!isObj(input)) continue;
      if (
        typeof input.namespace !== 'string' ||
        typeof input.name !== 'string' ||
        typeof input.field !== 'string'
      )
        continue;
      const transformations = Array.isArray(input.transformations)
        ? input.transformations.filter(isObj).map((t) => ({
            type: typeof t.type === 'string' ? t.type : 'DIRECT',
            ...(typeof t.subtype === 'string' ? { subtype: t.subtype } : {}),
            ...(typeof t.description === 'string' ? { description: t.description } : {}),
            ...(typeof t.masking === 'boolean' ? { masking: t.masking } : {}),
          }))
        : legacy;
      edges.push({
        dataset: { namespace: out.namespace, name: out.name },
        field,
        from: { namespace: input.namespace, name: input.name },
        fromField: input.field,
        transformations,
      });
    }
  }
  return edges;
}

/** Checks one decoded JSON value; returns the event or why it is not one. */
export function readEvent(value: unknown): EventCheck {
  try {
    return { ok: true, event: read(value) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Deeper than any event's facets go; a deeper one is refused before anything walks it. */
const MAX_NESTING = 64;

/** How deeply objects and arrays nest in a parsed JSON value, counted without recursion. */
function nesting(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_NESTING) break;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function read(value: unknown): LineageEvent {
  if (!isObj(value))
    fail(
      `is not an OpenLineage event: expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`,
    );
  if (nesting(value) > MAX_NESTING)
    fail(
      `its objects and arrays nest more than ${MAX_NESTING} levels deep; an event's facets need far fewer`,
    );
  const notes: string[] = [];
  const hasRun = value.run !== undefined && value.run !== null;
  const hasJob = value.job !== undefined && value.job !== null;
  const hasDataset = value.dataset !== undefined && value.dataset !== null;
  let kind: EventKind;
  if (hasRun && hasJob) kind = 'run';
  else if (hasJob) kind = 'job';
  else if (hasDataset && !hasRun) kind = 'dataset';
  else if (hasRun) fail('has a run but no job; a RunEvent needs both run and job');
  else
    fail(
      'is not an OpenLineage event: it has neither run and job (RunEvent), job (JobEvent) nor dataset (DatasetEvent)',
    );
  const eventTime = readTime(value.eventTime, notes);
  let producer: string | null = null;
  if (value.producer === undefined || value.producer === null) notes.push('producer is missing');
  else if (typeof value.producer !== 'string') fail('producer must be a URI string');
  else producer = value.producer;
  let schemaURL: string | null = null;
  if (value.schemaURL === undefined || value.schemaURL === null) notes.push('schemaURL is missing');
  else if (typeof value.schemaURL !== 'string') fail('schemaURL must be a URI string');
  else schemaURL = value.schemaURL;
  let eventType: string | null = null;
  if (value.eventType !== undefined && value.eventType !== null) {
    if (typeof value.eventType !== 'string' || !EVENT_TYPES.includes(value.eventType.toUpperCase() as never))
      fail(`eventType must be one of ${EVENT_TYPES.join(', ')}`);
    eventType = value.eventType.toUpperCase();
  }
  let runId: string | null = null;
  let runFacets: Json = {};
  if (kind === 'run') {
    const run = value.run;
    if (!isObj(run)) fail('run must be an object with a runId');
    if (typeof run.runId !== 'string' || !UUID.test(run.runId))
      fail('run.runId is required and must be a UUID (e.g. 3f5e83fa-3480-44ff-99c5-ff943904e5e8)');
    runId = run.runId.toLowerCase();
    runFacets = facetsAt(run.facets, 'run.facets');
  } else if (kind === 'job' && hasRun) notes.push('run is ignored on a JobEvent');
  else if (kind === 'job' && eventType)
    notes.push(`has eventType ${eventType} (a run's state) but no run: stored as a JobEvent`);
  let job: OlJob | null = null;
  if (hasJob) {
    const j = value.job;
    if (!isObj(j)) fail('job must be an object with namespace and name');
    job = {
      namespace: name(j.namespace, 'job.namespace'),
      name: name(j.name, 'job.name'),
      facets: facetsAt(j.facets, 'job.facets'),
    };
  }
  const inputs = kind === 'dataset' ? [] : datasets(value.inputs, 'inputs');
  const outputs = kind === 'dataset' ? [] : datasets(value.outputs, 'outputs');
  const ds = kind === 'dataset' ? dataset(value.dataset, 'dataset') : null;
  if (kind !== 'dataset' && hasDataset) notes.push('dataset is ignored on a Run or Job event');
  for (const [i, d] of inputs.entries()) {
    const role = reportedRoleOf(d);
    if (role !== null && !isLinkRole(role))
      notes.push(
        `inputs[${i}]: charter_aiLink role '${role}' is not one of ${LINK_ROLES.join(', ')}; the link's default role is used`,
      );
  }
  const facetSets = [
    runFacets,
    job?.facets ?? {},
    ...[...inputs, ...outputs, ...(ds ? [ds] : [])].flatMap((d) => [d.facets, d.inputFacets, d.outputFacets]),
  ];
  if (facetSets.some(lacksProducer)) notes.push('some facets lack _producer or _schemaURL');
  const columnEdges = [...outputs, ...(ds ? [ds] : [])].flatMap(columnEdgesOf);
  return {
    kind,
    eventType,
    eventTime,
    producer,
    schemaURL,
    runId,
    job,
    inputs,
    outputs,
    dataset: ds,
    runFacets,
    columnEdges,
    notes,
  };
}

const PROTECTIONS: [RegExp, string][] = [
  [/^MASK/i, 'masking'],
  [/^TOKENI[SZ]/i, 'tokenisation'],
  [/^PSEUDONYMI[SZ]/i, 'pseudonymisation'],
  [/^ANONYMI[SZ]/i, 'anonymisation'],
  [/^AGGREGAT/i, 'aggregation'],
];

/** The protecting transformation among these (masking, tokenisation, pseudonymisation, anonymisation, aggregation), if any. */
export function protectionOf(transformations: ColumnEdge['transformations']): string | null {
  for (const t of transformations) {
    if (t.masking === true) return 'masking';
    for (const value of [t.subtype, t.type]) {
      if (!value) continue;
      for (const [pattern, protection] of PROTECTIONS) if (pattern.test(value)) return protection;
    }
  }
  return null;
}

/** Whether values flow from the input field into the output field (INDIRECT ones only filter, join or sort). */
export function carriesValues(transformations: ColumnEdge['transformations']): boolean {
  if (!transformations.length) return true;
  return transformations.some((t) => t.type.toUpperCase() !== 'INDIRECT');
}

/** The role an input facet declares for a link into a model or application (`charter_aiLink`). */
export function linkRoleOf(d: OlDataset): string | null {
  const role = reportedRoleOf(d);
  return role !== null && isLinkRole(role) ? role : null;
}

/** The role a `charter_aiLink` facet names, known or not. */
function reportedRoleOf(d: OlDataset): string | null {
  for (const facets of [d.inputFacets, d.facets]) {
    const link = facets.charter_aiLink;
    if (isObj(link) && typeof link.role === 'string') return link.role;
  }
  return null;
}

const isLinkRole = (role: string) => (LINK_ROLES as readonly string[]).includes(role);

/** The dataset version the run read or wrote (DatasetVersion facet). */
export function versionOf(d: OlDataset): string | null {
  const v = d.facets.version;
  if (isObj(v) && (typeof v.datasetVersion === 'string' || typeof v.datasetVersion === 'number'))
    return String(v.datasetVersion);
  return null;
}

/** `1 of 3 events is invalid`, `2 of 3 events are invalid`. */
export function invalidCount(failed: number, received: number): string {
  return `${failed} of ${received} event${received === 1 ? '' : 's'} ${failed === 1 ? 'is' : 'are'} invalid`;
}
