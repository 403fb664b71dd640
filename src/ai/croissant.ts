/**
 * Croissant 1.1 JSON-LD for datasets and data products, with the Croissant RAI 1.0 properties filled
 * from the AI section (`x-charter-ai`), and the way back: a Croissant file becomes a draft ODCS v3.1.0
 * contract that keeps every RAI statement. The mapping follows the "Export" column of
 * AI-METADATA.md §7.1; what Croissant says that the AI section has no field for is kept verbatim in
 * the section's `croissant` entry and written back on export, so nothing is lost either way.
 * `checkCroissant` checks a document against the vocabulary of AI-METADATA.md §1.
 */
import type { CatalogApi } from '../catalog/catalog-api.js';
import { InputError } from '../model/errors.js';
import { parseRef } from '../model/ref.js';
import { AI_PROPERTY, type AiSection, findAiSection } from './ai-section.js';
import { LICENCES } from './vocabulary.js';

type Obj = Record<string, unknown>;

export const CROISSANT_1_0 = 'http://mlcommons.org/croissant/1.0';
export const CROISSANT_1_1 = 'http://mlcommons.org/croissant/1.1';
export const CROISSANT_RAI_1_0 = 'http://mlcommons.org/croissant/RAI/1.0';

/** The JSON-LD context of an exported document: the Croissant terms and the prefixes it uses. */
export const CROISSANT_CONTEXT: Obj = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  sc: 'https://schema.org/',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  dct: 'http://purl.org/dc/terms/',
  prov: 'http://www.w3.org/ns/prov#',
  dpv: 'https://w3id.org/dpv#',
  arrayShape: 'cr:arrayShape',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  containedIn: 'cr:containedIn',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  examples: { '@id': 'cr:examples', '@type': '@json' },
  extract: 'cr:extract',
  field: 'cr:field',
  fileObject: 'cr:fileObject',
  fileProperty: 'cr:fileProperty',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isArray: 'cr:isArray',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
};

/** The Croissant RAI 1.0 vocabulary (AI-METADATA.md §1.2): every property, its cardinality and range. */
export const RAI_PROPERTIES: Record<string, { many: boolean; range: 'text' | 'datetime' }> = {
  'rai:dataCollection': { many: false, range: 'text' },
  'rai:dataCollectionType': { many: true, range: 'text' },
  'rai:dataCollectionMissingData': { many: false, range: 'text' },
  'rai:dataCollectionRawData': { many: false, range: 'text' },
  'rai:dataCollectionTimeframe': { many: true, range: 'datetime' },
  'rai:dataImputationProtocol': { many: false, range: 'text' },
  'rai:dataManipulationProtocol': { many: false, range: 'text' },
  'rai:dataPreprocessingProtocol': { many: true, range: 'text' },
  'rai:dataAnnotationProtocol': { many: false, range: 'text' },
  'rai:dataAnnotationPlatform': { many: true, range: 'text' },
  'rai:dataAnnotationAnalysis': { many: true, range: 'text' },
  'rai:dataReleaseMaintenancePlan': { many: true, range: 'text' },
  'rai:personalSensitiveInformation': { many: true, range: 'text' },
  'rai:dataSocialImpact': { many: false, range: 'text' },
  'rai:dataBiases': { many: true, range: 'text' },
  'rai:dataLimitations': { many: true, range: 'text' },
  'rai:dataUseCases': { many: true, range: 'text' },
  'rai:annotationsPerItem': { many: false, range: 'text' },
  'rai:annotatorDemographics': { many: true, range: 'text' },
  'rai:machineAnnotationTools': { many: true, range: 'text' },
};

/** Dataset-level properties a Croissant 1.1 dataset must have (AI-METADATA.md §1.1). */
const REQUIRED = ['conformsTo', 'description', 'license', 'name', 'url', 'creator', 'datePublished'];
/** Schema.org and Croissant dataset properties the checker knows besides the required ones. */
const KNOWN = new Set([
  '@context',
  '@type',
  '@id',
  ...REQUIRED,
  'keywords',
  'publisher',
  'version',
  'dateCreated',
  'dateModified',
  'sameAs',
  'sdLicense',
  'sdLicence',
  'inLanguage',
  'alternateName',
  'citeAs',
  'isLiveDataset',
  'distribution',
  'recordSet',
  'usageInfo',
  'maintainer',
  'funder',
  'citation',
  'headline',
  'identifier',
  'isAccessibleForFree',
  'temporalCoverage',
  'spatialCoverage',
  'measurementTechnique',
  'variableMeasured',
  'sdVersion',
]);
/** Prefixes whose properties the checker accepts without knowing each term. */
const OPEN_PREFIXES = ['prov:', 'dpv:', 'dct:', 'sc:', 'cr:'];

export interface CroissantIssue {
  level: 'error' | 'warning';
  path: string;
  message: string;
}

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown): string[] => asList(v).filter((x): x is string => typeof x === 'string');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const ISO_DATE = /^\d{4}(-\d{2}(-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

/**
 * Every problem of a Croissant document against the vocabulary of the notes: missing required
 * dataset properties (errors), unknown RAI properties (errors), RAI values of the wrong shape,
 * unknown dataset properties, record sets, fields and file objects without what Croissant needs.
 */
export function checkCroissant(doc: unknown): CroissantIssue[] {
  const issues: CroissantIssue[] = [];
  const err = (path: string, message: string) => issues.push({ level: 'error', path, message });
  const warn = (path: string, message: string) => issues.push({ level: 'warning', path, message });
  if (!isObj(doc)) return [{ level: 'error', path: '', message: 'a Croissant document is a JSON object' }];
  const context = doc['@context'];
  if (!isObj(context)) err('@context', 'is required: the JSON-LD context object');
  else if (context['@vocab'] !== 'https://schema.org/') err('@context.@vocab', 'must be https://schema.org/');
  const type = doc['@type'];
  if (type !== 'sc:Dataset' && type !== 'Dataset' && type !== 'https://schema.org/Dataset')
    err('@type', `must be sc:Dataset (got ${JSON.stringify(type)})`);
  const conforms = strings(doc.conformsTo);
  const version = conforms.includes(CROISSANT_1_1) ? '1.1' : conforms.includes(CROISSANT_1_0) ? '1.0' : null;
  for (const key of REQUIRED) {
    // datePublished became required in Croissant 1.1.
    if (key === 'datePublished' && version === '1.0') continue;
    const v = doc[key];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length))
      err(key, `is required by Croissant ${version ?? '1.1'}`);
  }
  if (conforms.length && !version)
    err('conformsTo', `must name a Croissant version (${CROISSANT_1_0} or ${CROISSANT_1_1})`);
  const license = doc.license;
  for (const l of asList(license)) {
    if (typeof l === 'string' && !/^https?:\/\//.test(l))
      warn(
        'license',
        `'${l}' is not a URL; Croissant recommends the URL of a known licence (spdx.org/licenses)`,
      );
  }
  if (typeof doc.url === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(doc.url))
    err('url', `'${doc.url}' is not a URL`);
  for (const [i, c] of asList(doc.creator).entries()) {
    if (!isObj(c) || !['sc:Person', 'sc:Organization', 'Person', 'Organization'].includes(String(c['@type'])))
      err(`creator[${i}]`, 'must be an sc:Person or sc:Organization');
    else if (!str(c.name)) err(`creator[${i}].name`, 'is required');
  }
  if (typeof doc.datePublished === 'string' && !ISO_DATE.test(doc.datePublished))
    err('datePublished', 'must be an ISO 8601 date');

  let usesRai = false;
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('rai:')) {
      usesRai = true;
      const def = RAI_PROPERTIES[key];
      if (!def) {
        err(
          key,
          `is not a Croissant RAI 1.0 property; expected one of ${Object.keys(RAI_PROPERTIES).join(', ')}`,
        );
        continue;
      }
      const values = asList(value);
      if (!def.many && values.length > 1) warn(key, 'takes one value (RAI 1.0 cardinality ONE)');
      for (const [j, v] of values.entries()) {
        const at = Array.isArray(value) ? `${key}[${j}]` : key;
        if (typeof v !== 'string' || !v.trim()) err(at, 'must be text');
        else if (def.range === 'datetime' && !v.split('/').every((part) => ISO_DATE.test(part)))
          err(at, 'must be an ISO 8601 date, date-time or interval (start/end)');
      }
      continue;
    }
    if (KNOWN.has(key) || OPEN_PREFIXES.some((p) => key.startsWith(p))) continue;
    warn(key, 'is not a Croissant or schema.org Dataset property this checker knows');
  }
  if (usesRai) {
    if (isObj(context) && context.rai !== 'http://mlcommons.org/croissant/RAI/')
      err(
        '@context.rai',
        'must map the rai prefix to http://mlcommons.org/croissant/RAI/ when rai: properties are used',
      );
    if (!conforms.includes(CROISSANT_RAI_1_0))
      warn('conformsTo', `should include ${CROISSANT_RAI_1_0} when rai: properties are used`);
  }

  const live = doc.isLiveDataset === true;
  const distributionIds = new Set<string>();
  for (const [i, d] of asList(doc.distribution).entries()) {
    const at = `distribution[${i}]`;
    if (!isObj(d)) {
      err(at, 'must be a cr:FileObject or cr:FileSet');
      continue;
    }
    const t = String(d['@type']);
    if (t !== 'cr:FileObject' && t !== 'cr:FileSet')
      err(`${at}.@type`, 'must be cr:FileObject or cr:FileSet');
    if (typeof d['@id'] === 'string') distributionIds.add(d['@id']);
    else err(`${at}.@id`, 'is required');
    if (!str(d.encodingFormat)) err(`${at}.encodingFormat`, 'is required');
    if (t === 'cr:FileObject') {
      if (!str(d.contentUrl) && !isObj(d.containedIn))
        err(`${at}.contentUrl`, 'is required for a file object');
      if (!live && d.sha256 === undefined && d.md5 === undefined)
        warn(`${at}.sha256`, 'a file object of a dataset that is not live should carry a checksum');
    }
    if (t === 'cr:FileSet' && d.includes === undefined) err(`${at}.includes`, 'is required for a file set');
  }
  const checkField = (f: unknown, at: string) => {
    if (!isObj(f) || f['@type'] !== 'cr:Field') {
      err(at, 'must be a cr:Field');
      return;
    }
    if (!str(f['@id']) && !str(f.name)) err(`${at}.@id`, 'a field needs an @id or a name');
    const sub = asList(f.subField);
    if (f.dataType === undefined && !sub.length) err(`${at}.dataType`, 'is required (or subFields)');
    for (const s of [f.source].filter(isObj)) {
      for (const k of ['fileObject', 'fileSet'] as const) {
        const target = s[k];
        if (isObj(target) && typeof target['@id'] === 'string' && !distributionIds.has(target['@id']))
          err(`${at}.source.${k}`, `'${target['@id']}' is not in distribution`);
      }
    }
    for (const [j, s] of sub.entries()) checkField(s, `${at}.subField[${j}]`);
  };
  for (const [i, rs] of asList(doc.recordSet).entries()) {
    const at = `recordSet[${i}]`;
    if (!isObj(rs) || rs['@type'] !== 'cr:RecordSet') {
      err(at, 'must be a cr:RecordSet');
      continue;
    }
    if (!str(rs['@id']) && !str(rs.name)) err(`${at}.@id`, 'a record set needs an @id or a name');
    for (const [j, f] of asList(rs.field).entries()) checkField(f, `${at}.field[${j}]`);
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------
// Export

/** A creator as Croissant writes it. */
export interface CroissantCreator {
  '@type': 'sc:Person' | 'sc:Organization';
  name: string;
  email?: string;
  url?: string;
  identifier?: string;
}

/** What export needs beyond the document: the ref, dates and the people behind it. */
export interface CroissantSubject {
  ref: string;
  doc: Obj;
  /** When the first and the latest version were stored (ISO 8601). */
  created?: string;
  modified?: string;
  creators: CroissantCreator[];
  /** For a data product: its datasets' documents, whose schemas and servers become record sets. */
  datasets?: { ref: string; doc: Obj }[];
  /** Base URL of the web UI; the dataset's `url` is its page there. */
  baseUrl?: string;
}

const LOGICAL_TO_CROISSANT: Record<string, string> = {
  string: 'sc:Text',
  integer: 'sc:Integer',
  number: 'sc:Float',
  boolean: 'sc:Boolean',
  date: 'sc:Date',
  timestamp: 'sc:DateTime',
  time: 'sc:Time',
};
const CROISSANT_TO_LOGICAL: Record<string, string> = {
  'sc:Text': 'string',
  'sc:URL': 'string',
  'sc:Integer': 'integer',
  'cr:Int8': 'integer',
  'cr:Int16': 'integer',
  'cr:Int32': 'integer',
  'cr:Int64': 'integer',
  'cr:UInt8': 'integer',
  'cr:UInt16': 'integer',
  'cr:UInt32': 'integer',
  'cr:UInt64': 'integer',
  'sc:Float': 'number',
  'sc:Number': 'number',
  'cr:Float16': 'number',
  'cr:Float32': 'number',
  'cr:Float64': 'number',
  'sc:Boolean': 'boolean',
  'sc:Date': 'date',
  'sc:DateTime': 'timestamp',
  'sc:Time': 'time',
};
const FORMAT_TO_MEDIA: Record<string, string> = {
  parquet: 'application/x-parquet',
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/jsonlines',
  ndjson: 'application/jsonlines',
  avro: 'application/avro',
  delta: 'application/x-delta',
};

/** How a preparation step shows in RAI: imputation and manipulation have their own protocols. */
const MANIPULATION_OPS = new Set([
  'enrichment',
  'aggregation',
  'anonymisation',
  'pseudonymisation',
  'synthetic_generation',
]);
function protocolOf(step: {
  op?: string;
  protocol?: string;
}): 'preprocessing' | 'manipulation' | 'imputation' {
  if (step.protocol === 'manipulation' || step.protocol === 'imputation' || step.protocol === 'preprocessing')
    return step.protocol;
  if (step.op === 'imputation') return 'imputation';
  if (step.op && MANIPULATION_OPS.has(step.op)) return 'manipulation';
  return 'preprocessing';
}

/** Labels of the AI uses in `rai:dataUseCases` (the RAI recommended values where there is one). */
const USE_LABELS: Record<string, string> = {
  training: 'Training',
  fine_tuning: 'Fine Tuning',
  validation: 'Validation',
  testing: 'Testing',
  evaluation: 'Evaluation',
  rag_retrieval: 'Retrieval-augmented generation (RAG retrieval)',
  prompt_context: 'Prompt context',
  inference_input: 'Inference input (Production Use)',
  model_output: 'Model output',
};

// Prefixes that let structured AI-section entries share a free-text RAI property and come back apart.
const MITIGATION = 'Mitigation: ';
const NOT_FOR = 'Not recommended for: ';
const KNOWN_GAP = 'Known gap: ';
const REMEDIATION = ' — remediation: ';
const PERMITTED = 'Permitted AI use: ';

/** Writes a contract's (or product's) Croissant 1.1 record; RAI properties come from its AI section. */
export function toCroissant(subject: CroissantSubject): Obj {
  const { doc, ref } = subject;
  const ai: AiSection = findAiSection(doc)?.value ?? {};
  const kept = isObj(ai.croissant) ? (ai.croissant as Obj) : {};
  const description = isObj(doc.description) ? doc.description : {};
  const out: Obj = {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    conformsTo: [CROISSANT_1_1],
    name: str(doc.name) ?? parseRef(ref).name,
    description:
      [str(description.purpose), str(description.usage) && `Usage: ${description.usage}`]
        .filter(Boolean)
        .join('\n\n') ||
      str(kept.description) ||
      `${ref}`,
  };
  if (str(doc.version)) out.version = doc.version;
  const parsed = parseRef(ref);
  out.url = subject.baseUrl
    ? `${subject.baseUrl.replace(/\/$/, '')}/${parsed.kind}/${parsed.domain ? `${parsed.domain}/` : ''}${parsed.name}`
    : (str(kept.url) ?? `urn:charter:${ref}`);
  const license = ai.rights?.license;
  if (license) out.license = licenceUrl(license);
  else if (kept.license !== undefined) out.license = kept.license;
  if (subject.creators.length) out.creator = subject.creators;
  else if (kept.creator !== undefined) out.creator = kept.creator;
  const published = str(kept.datePublished) ?? subject.created?.slice(0, 10);
  if (published) out.datePublished = published;
  if (subject.modified) out.dateModified = subject.modified.slice(0, 10);
  const tags = strings(doc.tags);
  if (tags.length) out.keywords = tags;
  if (typeof ai.currency?.isLive === 'boolean') out.isLiveDataset = ai.currency.isLive;

  const { distribution, recordSet } = structure(subject, kept);
  if (distribution.length) out.distribution = distribution;
  if (recordSet.length) out.recordSet = recordSet;

  const rai = raiFrom(ai);
  Object.assign(out, rai);
  const legal = ai.legal ?? {};
  if (legal.purposes?.length) out['dpv:hasPurpose'] = legal.purposes;
  if (legal.legalBasis) out['dpv:hasLegalBasis'] = legal.legalBasis;
  if (ai.personalData?.categories?.length) out['dpv:hasPersonalData'] = ai.personalData.categories;
  const extraConforms = strings(ai.conformsTo).filter((c) => c !== CROISSANT_1_1 && c !== CROISSANT_RAI_1_0);
  if (Object.keys(out).some((k) => k.startsWith('rai:')))
    (out.conformsTo as string[]).push(CROISSANT_RAI_1_0);
  (out.conformsTo as string[]).push(...extraConforms);
  // What Croissant said that the AI section has no field for, written back as it was.
  for (const [key, value] of Object.entries(kept)) {
    if (key in out || ['description', 'url', 'license', 'creator', 'datePublished'].includes(key)) continue;
    if (key === 'distribution' || key === 'recordSet') continue;
    out[key] = value;
  }
  return out;
}

function licenceUrl(license: string): string {
  if (/^https?:\/\//.test(license)) return license;
  if ((LICENCES as readonly string[]).includes(license) && !['proprietary', 'internal'].includes(license))
    return `https://spdx.org/licenses/${license}.html`;
  return license;
}

/** RAI properties from the AI section (AI-METADATA.md §7.1, "Export" column). */
function raiFrom(ai: AiSection): Obj {
  const out: Obj = {};
  const one = (key: string, v: unknown) => {
    if (typeof v === 'string' && v.trim()) out[key] = v;
  };
  const many = (key: string, values: unknown[]) => {
    const list = values.filter((v): v is string => typeof v === 'string' && !!v.trim());
    if (list.length) out[key] = list;
  };
  const c = ai.collection ?? {};
  one('rai:dataCollection', c.description);
  many('rai:dataCollectionType', strings(c.methods));
  one('rai:dataCollectionRawData', c.rawDataSource);
  if (c.timeframe?.start)
    many('rai:dataCollectionTimeframe', [
      c.timeframe.end ? `${c.timeframe.start}/${c.timeframe.end}` : c.timeframe.start,
    ]);
  one('rai:dataCollectionMissingData', ai.gaps?.missingData);
  const steps = (ai.preparation ?? []) as { op?: string; description?: string; protocol?: string }[];
  const protocol = (p: string) =>
    steps.filter((s) => protocolOf(s) === p && typeof s.description === 'string').map((s) => s.description!);
  many('rai:dataPreprocessingProtocol', protocol('preprocessing'));
  one('rai:dataManipulationProtocol', protocol('manipulation').join('\n\n'));
  one('rai:dataImputationProtocol', protocol('imputation').join('\n\n'));
  const a = isObj(ai.annotation) ? (ai.annotation as Obj) : {};
  one('rai:dataAnnotationProtocol', a.protocol);
  many('rai:dataAnnotationPlatform', strings(a.platform));
  many('rai:dataAnnotationAnalysis', strings(a.analysis));
  one('rai:annotationsPerItem', a.annotationsPerItem);
  many('rai:annotatorDemographics', strings(a.annotatorDemographics));
  many('rai:machineAnnotationTools', strings(a.machineTools));
  one('rai:dataReleaseMaintenancePlan', ai.currency?.maintenancePlan);
  const pd = ai.personalData ?? {};
  const sensitive = strings((pd as Obj).sensitiveInformation);
  if (pd.level) {
    const fields = (pd.fields ?? []).map(
      (f) => `${f.path}${f.category ? ` (${f.category})` : ''}, protection ${f.protection ?? 'undeclared'}`,
    );
    sensitive.push(
      `Personal-data level: ${pd.level}.${pd.categories?.length ? ` Categories: ${pd.categories.join(', ')}.` : ''}${fields.length ? ` Fields: ${fields.join('; ')}.` : ''}`,
    );
  }
  many('rai:personalSensitiveInformation', sensitive);
  one('rai:dataSocialImpact', ai.socialImpact);
  const bias = ai.bias ?? {};
  many('rai:dataBiases', [
    ...strings(bias.findings),
    ...strings(bias.mitigations).map((m) => `${MITIGATION}${m}`),
  ]);
  const gaps = ai.gaps ?? {};
  many('rai:dataLimitations', [
    ...strings(gaps.limitations),
    ...(gaps.knownGaps ?? [])
      .filter((g) => g?.gap)
      .map((g) => `${KNOWN_GAP}${g.gap}${g.remediation ? `${REMEDIATION}${g.remediation}` : ''}`),
    ...strings(ai.uses?.outOfScope).map((u) => `${NOT_FOR}${u}`),
  ]);
  many('rai:dataUseCases', [
    ...strings(ai.uses?.permitted).map((u) => `${PERMITTED}${USE_LABELS[u] ?? u}`),
    ...strings(ai.uses?.recommended),
  ]);
  return out;
}

/** Distribution from the servers, record sets from the schema (a product: from its datasets). */
function structure(subject: CroissantSubject, kept: Obj): { distribution: Obj[]; recordSet: Obj[] } {
  const sources = subject.datasets?.length ? subject.datasets : [{ ref: subject.ref, doc: subject.doc }];
  const prefixed = !!subject.datasets?.length;
  const distribution: Obj[] = [];
  const recordSet: Obj[] = [];
  for (const { ref, doc } of sources) {
    const prefix = prefixed ? `${parseRef(ref).name}/` : '';
    const servers = (Array.isArray(doc.servers) ? doc.servers : []).filter(isObj);
    const fileIds: string[] = [];
    for (const s of servers) {
      const d = distributionOf(s, prefix);
      if (d) {
        distribution.push(d);
        fileIds.push(String(d['@id']));
      }
    }
    const main = fileIds[0];
    for (const table of (Array.isArray(doc.schema) ? doc.schema : []).filter(isObj)) {
      const name = `${prefix}${String(table.name)}`;
      const field = (Array.isArray(table.properties) ? table.properties : [])
        .filter(isObj)
        .map((p) => fieldOf(p, name, main));
      const rs: Obj = { '@type': 'cr:RecordSet', '@id': name, name };
      if (str(table.description)) rs.description = table.description;
      if (field.length) rs.field = field;
      const keys = (Array.isArray(table.properties) ? table.properties : [])
        .filter((p) => isObj(p) && p.primaryKey === true)
        .map((p) => ({ '@id': `${name}/${(p as Obj).name}` }));
      if (keys.length) rs.key = keys.length === 1 ? keys[0] : keys;
      recordSet.push(rs);
    }
  }
  // An imported draft without servers or schema keeps what its Croissant file described.
  if (!distribution.length && Array.isArray(kept.distribution))
    distribution.push(...(kept.distribution as Obj[]));
  if (!recordSet.length && Array.isArray(kept.recordSet)) recordSet.push(...(kept.recordSet as Obj[]));
  return { distribution, recordSet };
}

function distributionOf(server: Obj, prefix: string): Obj | undefined {
  const id = `${prefix}${String(server.server ?? server.id ?? 'server')}`;
  const type = String(server.type ?? '');
  const format = str(server.format)?.toLowerCase();
  const location = str(server.location) ?? str(server.path);
  const base: Obj = { '@type': 'cr:FileObject', '@id': id, name: id };
  if (str(server.description)) base.description = server.description;
  if (location) {
    return {
      ...base,
      contentUrl: location,
      encodingFormat:
        (format && FORMAT_TO_MEDIA[format]) ??
        (format ? `application/x-${format}` : 'application/octet-stream'),
    };
  }
  // A database: its address without credentials (ODCS servers hold none).
  const host = str(server.host);
  const parts = [str(server.database), str(server.schema) ?? str(server.dataset)].filter(Boolean);
  const path = [str(server.project), str(server.catalog), ...parts].filter(Boolean).join('/');
  if (!host && !path) return undefined;
  return {
    ...base,
    contentUrl: `${type || 'db'}://${host ?? ''}${server.port !== undefined ? `:${server.port}` : ''}/${path}`,
    encodingFormat: `application/x-${type || 'database'}`,
  };
}

function fieldOf(p: Obj, parent: string, fileId: string | undefined): Obj {
  const id = `${parent}/${String(p.name)}`;
  const f: Obj = { '@type': 'cr:Field', '@id': id, name: String(p.name) };
  if (str(p.description)) f.description = p.description;
  const physical = str(p.physicalType);
  const logical = str(p.logicalType);
  const children = (Array.isArray(p.properties) ? p.properties : []).filter(isObj);
  if (children.length) f.subField = children.map((c) => fieldOf(c, id, fileId));
  else if (logical === 'array' && isObj(p.items)) {
    const inner = p.items;
    f.dataType = croissantType(str(inner.physicalType), str(inner.logicalType));
    f.isArray = true;
  } else f.dataType = croissantType(physical, logical);
  if (fileId)
    f.source = {
      fileObject: { '@id': fileId },
      extract: { column: String(p.physicalName ?? p.name) },
    };
  return f;
}

function croissantType(physical: string | undefined, logical: string | undefined): string {
  if (physical && /^(sc|cr):/.test(physical)) return physical;
  return (logical && LOGICAL_TO_CROISSANT[logical]) ?? 'sc:Text';
}

/** Reads a dataset or product from the catalog (as the caller may see it) and writes its Croissant record. */
export async function exportCroissant(
  catalog: Pick<CatalogApi, 'describe' | 'get'>,
  ref: string,
  options: { baseUrl?: string } = {},
): Promise<{ document: Obj; issues: CroissantIssue[] }> {
  const kind = parseRef(ref).kind;
  if (kind !== 'dataset' && kind !== 'product')
    throw new InputError(`Croissant describes datasets and data products; '${ref}' is neither`, { ref });
  const d = await catalog.describe(ref);
  const creators: CroissantCreator[] = [];
  for (const owner of d.owners) {
    const ok = parseRef(owner.ref).kind;
    if (ok === 'user') {
      const user = await catalog.get(owner.ref).catch(() => undefined);
      const spec = isObj(user?.doc.spec) ? user.doc.spec : {};
      creators.push({
        '@type': 'sc:Person',
        name: str(spec.displayName) ?? str(spec.name) ?? owner.title,
        ...(str(spec.email) ? { email: spec.email as string } : {}),
        identifier: owner.ref,
      });
    } else creators.push({ '@type': 'sc:Organization', name: owner.title, identifier: owner.ref });
  }
  let datasets: { ref: string; doc: Obj }[] | undefined;
  if (kind === 'product') {
    datasets = [];
    const refs = [...new Set(d.relations.filter((r) => r.ref.startsWith('dataset:')).map((r) => r.ref))];
    for (const r of refs) {
      const got = await catalog.get(r).catch(() => undefined);
      if (got) datasets.push({ ref: r, doc: got.doc });
    }
  }
  const times = d.versions.map((v) => v.createdAt).sort();
  const document = toCroissant({
    ref,
    doc: d.doc,
    creators,
    ...(times[0] ? { created: times[0], modified: times[times.length - 1]! } : {}),
    ...(datasets ? { datasets } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
  return { document, issues: checkCroissant(document) };
}

// ---------------------------------------------------------------------------------------------
// Import

export interface CroissantDraft {
  /** A draft ODCS v3.1.0 contract (status draft) with the RAI statements in its AI section. */
  contract: Obj;
  /** What the draft still needs, or what was read in a way worth checking. */
  notes: string[];
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'dataset';

/** Where each RAI statement lives in the AI section, so every one is kept. */
export function fromCroissant(input: unknown, options: { domain?: string } = {}): CroissantDraft {
  if (!isObj(input)) throw new InputError('A Croissant file is a JSON-LD object');
  const type = input['@type'];
  if (type !== 'sc:Dataset' && type !== 'Dataset' && type !== 'https://schema.org/Dataset')
    throw new InputError(`Not a Croissant dataset: @type is ${JSON.stringify(type)}, expected sc:Dataset`);
  const notes: string[] = [];
  const name = str(input.name) ?? 'dataset';
  const ai: AiSection & Obj = {};
  const kept: Obj = {};
  const collection: NonNullable<AiSection['collection']> = {};
  const gaps: NonNullable<AiSection['gaps']> = {};
  const annotation: Obj = {};
  const preparation: Obj[] = [];
  const bias: NonNullable<AiSection['bias']> = {};
  const uses: NonNullable<AiSection['uses']> = {};
  const personal: Obj = {};
  const joined = (v: unknown) => strings(v).join('\n\n');
  const findings: string[] = [];
  const mitigations: string[] = [];
  const limitations: string[] = [];
  const knownGaps: { gap: string; remediation?: string }[] = [];
  const outOfScope: string[] = [];
  const recommended: string[] = [];

  for (const [key, value] of Object.entries(input)) {
    if (key === '@context' || key === '@type') continue;
    if (key.startsWith('rai:')) {
      const texts = strings(value);
      switch (key) {
        case 'rai:dataCollection':
          collection.description = joined(value);
          break;
        case 'rai:dataCollectionType':
          collection.methods = texts;
          break;
        case 'rai:dataCollectionRawData':
          collection.rawDataSource = joined(value);
          break;
        case 'rai:dataCollectionTimeframe': {
          const [start, end] = (texts[0] ?? '').split('/');
          if (texts.length === 1 && start && ISO_DATE.test(start) && (!end || ISO_DATE.test(end)))
            collection.timeframe = { start, ...(end ? { end } : {}) };
          else kept[key] = value;
          break;
        }
        case 'rai:dataCollectionMissingData':
          gaps.missingData = joined(value);
          break;
        case 'rai:dataPreprocessingProtocol':
        case 'rai:dataManipulationProtocol':
        case 'rai:dataImputationProtocol': {
          const protocol = key.slice('rai:data'.length, -'Protocol'.length).toLowerCase();
          for (const t of texts) preparation.push({ op: opFor(t, protocol), description: t, protocol });
          break;
        }
        case 'rai:dataAnnotationProtocol':
          annotation.protocol = joined(value);
          break;
        case 'rai:dataAnnotationPlatform':
          annotation.platform = texts;
          break;
        case 'rai:dataAnnotationAnalysis':
          annotation.analysis = texts;
          break;
        case 'rai:annotationsPerItem':
          annotation.annotationsPerItem = joined(value);
          break;
        case 'rai:annotatorDemographics':
          annotation.annotatorDemographics = texts;
          break;
        case 'rai:machineAnnotationTools':
          annotation.machineTools = texts;
          break;
        case 'rai:dataReleaseMaintenancePlan':
          ai.currency = { ...(ai.currency ?? {}), maintenancePlan: joined(value) };
          break;
        case 'rai:personalSensitiveInformation':
          personal.sensitiveInformation = texts;
          break;
        case 'rai:dataSocialImpact':
          ai.socialImpact = joined(value);
          break;
        case 'rai:dataBiases':
          for (const t of texts) {
            if (t.startsWith(MITIGATION)) mitigations.push(t.slice(MITIGATION.length));
            else findings.push(t);
          }
          break;
        case 'rai:dataLimitations':
          for (const t of texts) {
            if (t.startsWith(NOT_FOR)) outOfScope.push(t.slice(NOT_FOR.length));
            else if (t.startsWith(KNOWN_GAP)) {
              const [gap, remediation] = t.slice(KNOWN_GAP.length).split(REMEDIATION);
              knownGaps.push({ gap: gap!, ...(remediation ? { remediation } : {}) });
            } else limitations.push(t);
          }
          break;
        case 'rai:dataUseCases':
          // Croissant states intended uses; it never grants one here. Permissions are the owner's call.
          for (const t of texts) recommended.push(t);
          if (texts.some((t) => t.startsWith(PERMITTED)))
            notes.push(
              'rai:dataUseCases named permitted AI uses: kept as recommended uses; set uses.permitted yourself',
            );
          break;
        default:
          kept[key] = value;
          notes.push(`${key} is not a Croissant RAI 1.0 property; kept verbatim in ${AI_PROPERTY}.croissant`);
      }
      continue;
    }
    switch (key) {
      case 'name':
      case 'description':
      case 'version':
      case 'keywords':
      case 'conformsTo':
      case 'recordSet':
        break;
      case 'license': {
        const licence = licenceFrom(value);
        if (licence) ai.rights = { ...(ai.rights ?? {}), license: licence };
        else {
          kept.license = value;
          notes.push(
            `licence ${JSON.stringify(value)} is not an SPDX id or URL Charter knows; kept verbatim, set rights.license`,
          );
        }
        break;
      }
      case 'isLiveDataset':
        if (typeof value === 'boolean') ai.currency = { ...(ai.currency ?? {}), isLive: value };
        else kept[key] = value;
        break;
      case 'dpv:hasPurpose':
        ai.legal = { ...(ai.legal ?? {}), purposes: strings(value) };
        break;
      case 'dpv:hasLegalBasis':
        if (typeof value === 'string') ai.legal = { ...(ai.legal ?? {}), legalBasis: value };
        else kept[key] = value;
        break;
      case 'dpv:hasPersonalData':
        personal.categories = strings(value);
        break;
      default:
        kept[key] = value;
    }
  }
  // The file's own record sets and distribution stay with the draft as they were written.
  if (input.recordSet !== undefined) kept.recordSet = input.recordSet;
  if (typeof input.description === 'string') kept.description = input.description;

  if (findings.length) bias.findings = findings;
  if (mitigations.length) bias.mitigations = mitigations;
  if (limitations.length) gaps.limitations = limitations;
  if (knownGaps.length) gaps.knownGaps = knownGaps;
  if (outOfScope.length) uses.outOfScope = outOfScope;
  if (recommended.length) uses.recommended = recommended;
  if (Object.keys(collection).length) ai.collection = collection;
  if (preparation.length) ai.preparation = preparation as AiSection['preparation'];
  if (Object.keys(annotation).length) ai.annotation = annotation;
  if (Object.keys(bias).length) ai.bias = bias;
  if (Object.keys(gaps).length) ai.gaps = gaps;
  if (Object.keys(uses).length) ai.uses = uses;
  if (Object.keys(personal).length) ai.personalData = personal as AiSection['personalData'];
  const otherConforms = strings(input.conformsTo).filter(
    (c) => !c.startsWith('http://mlcommons.org/croissant'),
  );
  if (otherConforms.length) ai.conformsTo = otherConforms;
  if (Object.keys(kept).length) ai.croissant = kept;

  const contract: Obj = {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: `croissant-${slug(name)}`,
    name: slug(name),
    version: str(input.version) ?? '0.1.0',
    status: 'draft',
  };
  if (options.domain) contract.domain = options.domain;
  else notes.push('no domain: set domain before applying');
  const desc = str(input.description);
  contract.description = { purpose: desc?.trim() || `Imported from the Croissant record '${name}'.` };
  const keywords = strings(input.keywords);
  if (keywords.length) contract.tags = keywords;
  const schema = schemaFrom(input.recordSet, notes);
  if (schema.length) contract.schema = schema;
  contract.customProperties = [{ property: AI_PROPERTY, value: ai }];
  notes.push('no owner or steward: add a team before applying');
  if (!ai.personalData?.level)
    notes.push(
      'personalData.level is not stated by Croissant: set it (none, anonymised, pseudonymised, personal, special_category)',
    );
  return { contract, notes };
}

function licenceFrom(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const spdx = /^https?:\/\/spdx\.org\/licenses\/([^/]+?)(\.html)?$/.exec(value);
  const id = spdx ? spdx[1]! : value;
  const known = (LICENCES as readonly string[]).find((l) => l.toLowerCase() === id.toLowerCase());
  if (known) return known;
  return /^https?:\/\/\S+$/.test(value) ? value : undefined;
}

/** A typed operation for a preparation statement: named in its text, else the protocol's own. */
function opFor(text: string, protocol: string): string {
  const t = text.toLowerCase();
  const words: [RegExp, string][] = [
    [/dedup|duplicate/, 'deduplication'],
    [/impute|imputation/, 'imputation'],
    [/pseudonymi[sz]/, 'pseudonymisation'],
    [/anonymi[sz]|redact|remov\w* (pii|personal)/, 'anonymisation'],
    [/filter/, 'filtering'],
    [/label/, 'labelling'],
    [/annotat/, 'annotation'],
    [/aggregat/, 'aggregation'],
    [/enrich/, 'enrichment'],
    [/chunk/, 'chunking'],
    [/embedding/, 'embedding'],
    [/synthetic/, 'synthetic_generation'],
    [/clean/, 'cleaning'],
  ];
  for (const [re, op] of words) if (re.test(t)) return op;
  return protocol === 'imputation' ? 'imputation' : protocol === 'manipulation' ? 'enrichment' : 'cleaning';
}

/** Record sets become schema objects; a split table with inline values is left to the kept copy. */
function schemaFrom(recordSets: unknown, notes: string[]): Obj[] {
  const out: Obj[] = [];
  for (const rs of asList(recordSets).filter(isObj)) {
    const name = str(rs.name) ?? str(rs['@id']) ?? `records-${out.length + 1}`;
    const keys = new Set(
      asList(rs.key)
        .filter(isObj)
        .map((k) => String(k['@id'])),
    );
    const properties = asList(rs.field)
      .filter(isObj)
      .map((f) => propertyFrom(f, name, keys));
    const table: Obj = { name, physicalType: 'table' };
    if (str(rs.description)) table.description = rs.description;
    if (properties.length) table.properties = properties;
    if (rs.data !== undefined)
      notes.push(`record set '${name}' lists its values inline; they are not copied into the schema`);
    out.push(table);
  }
  return out;
}

function propertyFrom(f: Obj, parent: string, keys: Set<string>): Obj {
  const id = str(f['@id']) ?? '';
  let name = str(f.name) ?? id;
  if (name.startsWith(`${parent}/`)) name = name.slice(parent.length + 1);
  if (name.includes('/')) name = name.slice(name.lastIndexOf('/') + 1);
  const p: Obj = { name };
  if (str(f.description)) p.description = f.description;
  const subs = asList(f.subField).filter(isObj);
  const dataType = str(f.dataType);
  const logical = dataType ? (CROISSANT_TO_LOGICAL[dataType] ?? 'string') : undefined;
  if (subs.length) {
    p.logicalType = 'object';
    p.properties = subs.map((s) => propertyFrom(s, id || name, keys));
  } else if (f.isArray === true) {
    p.logicalType = 'array';
    p.items = {
      ...(logical ? { logicalType: logical } : {}),
      ...(dataType ? { physicalType: dataType } : {}),
    };
  } else {
    if (logical) p.logicalType = logical;
    if (dataType) p.physicalType = dataType;
  }
  const source = isObj(f.source) && isObj(f.source.extract) ? f.source.extract : undefined;
  if (source && typeof source.column === 'string' && source.column !== name) p.physicalName = source.column;
  if (keys.has(id)) p.primaryKey = true;
  return p;
}
