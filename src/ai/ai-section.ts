/**
 * The AI section of a contract or product: the ODCS/ODPS `customProperties` entry
 * `{property: x-charter-ai, value: {...}}` holding the fields of AI-METADATA.md §7.1. Keeping it
 * there keeps the document valid ODCS/ODPS and round-trips it unchanged. This module finds it and
 * validates it against the shipped vocabularies; every issue carries its JSON path.
 */
import type { ValidationIssue } from '../model/validation.js';
import {
  AI_USES,
  DPV_PURPOSES,
  isDuration,
  isKnownLicence,
  LEGAL_BASES,
  LICENCES,
  PD_CATEGORIES,
  PERSONAL_DATA_LEVELS,
  PREP_OPS,
  PROTECTIONS,
  SOURCE_TYPES,
  SPECIAL_CATEGORY_CONDITIONS,
} from './vocabulary.js';

export const AI_PROPERTY = 'x-charter-ai';

export interface AiSection {
  conformsTo?: string[];
  accountability?: { ownerTeam?: string; ownerDomain?: string; contact?: string; steward?: string };
  uses?: { permitted?: string[]; recommended?: string[]; outOfScope?: string[] };
  collection?: {
    description?: string;
    methods?: string[];
    rawDataSource?: string;
    sourceType?: string;
    timeframe?: { start?: string; end?: string };
    derivedFrom?: unknown[];
    originalCollectionPurpose?: string;
  };
  preparation?: {
    op?: string;
    description?: string;
    tool?: string;
    jobRef?: string;
    at?: string;
    /** The Croissant RAI protocol the step is reported under (default: from its op). */
    protocol?: string;
  }[];
  bias?: {
    examined?: boolean;
    examinedAt?: string;
    method?: string;
    findings?: string[];
    mitigations?: string[];
  };
  gaps?: {
    limitations?: string[];
    missingData?: string;
    knownGaps?: { gap?: string; remediation?: string }[];
  };
  personalData?: {
    level?: string;
    categories?: string[];
    dataSubjects?: string[];
    fields?: { path: string; category?: string; protection?: string }[];
  };
  legal?: {
    purposes?: string[];
    legalBasis?: string;
    specialCategoryCondition?: string;
    ropaRef?: string;
  };
  retention?: { period?: string; deletionMethod?: string };
  rights?: { license?: string; aiTrainingPermitted?: boolean; thirdPartyAgreementRef?: string };
  currency?: {
    isLive?: boolean;
    freshnessSla?: string;
    lastRefreshedAt?: string;
    updateCadence?: string;
    maintenancePlan?: string;
  };
  classification?: string;
  rag?: { chunking?: string; embeddingModelRef?: string; indexRef?: string; aclPropagation?: string };
  approvals?: { scope?: string; status?: string; by?: string; at?: string; expiresAt?: string }[];
  [key: string]: unknown;
}

interface CustomProperty {
  property?: unknown;
  value?: unknown;
}

/** The index of the AI entry in `customProperties` and its value, if the document has one. */
export function findAiSection(doc: Record<string, unknown>): { index: number; value: AiSection } | undefined {
  const props = doc.customProperties;
  if (!Array.isArray(props)) return undefined;
  const index = props.findIndex((p) => (p as CustomProperty)?.property === AI_PROPERTY);
  if (index < 0) return undefined;
  const value = (props[index] as CustomProperty).value;
  return {
    index,
    value: value && typeof value === 'object' && !Array.isArray(value) ? (value as AiSection) : {},
  };
}

const list = (values: readonly string[]) => values.join(', ');
const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const isIsoDate = (v: unknown) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v);

/** `table.column` paths of an ODCS document's schema properties. */
function schemaPaths(doc: Record<string, unknown>): Set<string> | undefined {
  if (!Array.isArray(doc.schema)) return undefined;
  const out = new Set<string>();
  for (const table of doc.schema as Record<string, unknown>[]) {
    const name = table?.name;
    if (typeof name !== 'string' || !Array.isArray(table.properties)) continue;
    for (const p of table.properties as Record<string, unknown>[]) {
      if (typeof p?.name === 'string') out.add(`${name}.${p.name}`);
    }
  }
  return out;
}

/**
 * The keys of the AI section and of each of its objects (AI-METADATA §7.1, plus `croissant`: what a
 * Croissant import kept verbatim, `personalData.sensitiveInformation` and `preparation[].protocol`
 * from Croissant RAI). A key outside them is refused, so a misspelt or misplaced field (`licence`,
 * `legalBasis` at the top) is not silently ignored by the gate; `x-…` keys are the owner's own.
 */
const KEYS: Record<string, readonly string[]> = {
  '': [
    'conformsTo',
    'accountability',
    'uses',
    'collection',
    'preparation',
    'annotation',
    'assumptions',
    'suitability',
    'representativeness',
    'bias',
    'gaps',
    'personalData',
    'legal',
    'retention',
    'rights',
    'currency',
    'version',
    'classification',
    'synthetic',
    'contentRisk',
    'rag',
    'socialImpact',
    'approvals',
    'croissant',
  ],
  accountability: ['ownerTeam', 'ownerDomain', 'contact', 'steward'],
  uses: ['permitted', 'recommended', 'outOfScope'],
  collection: [
    'description',
    'methods',
    'rawDataSource',
    'sourceType',
    'timeframe',
    'derivedFrom',
    'originalCollectionPurpose',
  ],
  'collection.timeframe': ['start', 'end'],
  'preparation[]': ['op', 'description', 'tool', 'jobRef', 'at', 'protocol'],
  annotation: [
    'protocol',
    'platform',
    'annotationsPerItem',
    'annotatorDemographics',
    'machineTools',
    'analysis',
  ],
  suitability: ['availability', 'quantity', 'assessedAt'],
  representativeness: [
    'targetPopulation',
    'geographicScope',
    'setting',
    'assessment',
    'assessedAt',
    'statsRef',
  ],
  bias: ['examined', 'examinedAt', 'method', 'findings', 'mitigations', 'reportRef'],
  gaps: ['limitations', 'missingData', 'knownGaps'],
  'gaps.knownGaps[]': ['gap', 'remediation'],
  personalData: [
    'level',
    'categories',
    'dataSubjects',
    'fields',
    'deidentificationMethod',
    'specialCategoryForBiasOnly',
    'sensitiveInformation',
  ],
  'personalData.fields[]': ['path', 'category', 'protection'],
  'personalData.specialCategoryForBiasOnly': [
    'necessityJustification',
    'accessLogRef',
    'noThirdPartyTransfer',
    'deleteWhen',
  ],
  legal: ['purposes', 'legalBasis', 'specialCategoryCondition', 'consent', 'ropaRef'],
  'legal.consent': ['status', 'withdrawalMechanism'],
  retention: ['period', 'deletionMethod', 'basis'],
  rights: ['license', 'usageConditions', 'aiTrainingPermitted', 'tdmOptOutChecked', 'thirdPartyAgreementRef'],
  currency: ['isLive', 'freshnessSla', 'lastRefreshedAt', 'updateCadence', 'maintenancePlan'],
  version: ['id', 'digest'],
  synthetic: ['containsSynthetic', 'generatorModelRef', 'method'],
  contentRisk: ['offensiveContent', 'notes'],
  rag: ['chunking', 'embeddingModelRef', 'indexRef', 'aclPropagation'],
  'approvals[]': ['scope', 'euHighRisk', 'status', 'by', 'at', 'expiresAt'],
};

/** Edits (insert, delete, replace) from a to b, case ignored. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length]!;
}

/**
 * What an unknown key at `shape` most likely meant: a near spelling here, else the same key in
 * another part of the section, else a near spelling there.
 */
function suggestion(shape: string, key: string): string | undefined {
  const near = (keys: readonly string[]) =>
    keys
      .map((k) => ({ k, d: distance(k, key) }))
      .filter(({ k, d }) => d <= Math.max(1, Math.floor(Math.min(k.length, key.length) / 3)))
      .sort((a, b) => a.d - b.d)[0];
  const here = near(KEYS[shape] ?? []);
  if (here) return here.k;
  const elsewhere = Object.entries(KEYS).filter(([other]) => other !== shape);
  const place = (other: string, k: string) => (other ? `${other.replace(/\[\]/g, '[…]')}.${k}` : k);
  for (const [other, keys] of elsewhere) {
    const same = keys.find((k) => k.toLowerCase() === key.toLowerCase());
    if (same) return place(other, same);
  }
  for (const [other, keys] of elsewhere) {
    const close = near(keys);
    if (close) return place(other, close.k);
  }
  return undefined;
}

/** Unknown keys of the section, each with its path (`shape` names its place in KEYS). */
function unknownKeys(ai: Record<string, unknown>, add: (path: string, message: string) => void) {
  const visit = (value: unknown, shape: string, path: string) => {
    const keys = KEYS[shape];
    if (!keys || !value || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      const childShape = shape ? `${shape}.${key}` : key;
      if (!keys.includes(key)) {
        if (key.startsWith('x-')) continue;
        const hint = suggestion(shape, key);
        add(
          at,
          `is not a field of ${shape ? `the AI section's ${shape.replace(/\[\]/g, '')}` : 'the AI section'} (AI-METADATA §7.1)${hint ? `; did you mean ${hint}?` : '; keys of your own start with x-'}`,
        );
        continue;
      }
      if (Array.isArray(child))
        for (const [i, item] of child.entries()) visit(item, `${childShape}[]`, `${at}[${i}]`);
      else visit(child, childShape, at);
    }
  };
  visit(ai, '', '');
}

/** Every problem of a document's AI section; empty when it has none or it is valid. */
export function validateAiSection(doc: Record<string, unknown>): ValidationIssue[] {
  const props = doc.customProperties;
  if (!Array.isArray(props)) return [];
  const entries = props
    .map((p, i) => ({ p: p as CustomProperty, i }))
    .filter((e) => e.p?.property === AI_PROPERTY);
  if (!entries.length) return [];
  const issues: ValidationIssue[] = [];
  for (const extra of entries.slice(1)) {
    issues.push({
      path: `customProperties[${extra.i}].property`,
      message: `only one ${AI_PROPERTY} entry is allowed (the first is customProperties[${entries[0]!.i}])`,
    });
  }
  const { i } = entries[0]!;
  const base = `customProperties[${i}].value`;
  const ai = entries[0]!.p.value;
  if (!isObject(ai)) {
    return [
      ...issues,
      { path: base, message: `the ${AI_PROPERTY} value must be an object (AI-METADATA §7.1)` },
    ];
  }
  const add = (path: string, message: string) => issues.push({ path: `${base}.${path}`, message });
  unknownKeys(ai, add);
  const oneOf = (path: string, value: unknown, allowed: readonly string[], what: string) => {
    if (value === undefined) return;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      add(path, `${what} ${JSON.stringify(value)} is not known; expected one of ${list(allowed)}`);
    }
  };
  const eachOf = (path: string, value: unknown, allowed: readonly string[], what: string) => {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      add(path, `must be a list of ${what}s`);
      return;
    }
    for (const [j, v] of value.entries()) oneOf(`${path}[${j}]`, v, allowed, what);
  };
  const strings = (path: string, value: unknown) => {
    if (value === undefined) return;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      add(path, 'must be a list of strings');
  };
  const section = (key: string): Record<string, unknown> | undefined => {
    const v = ai[key];
    if (v === undefined) return undefined;
    if (!isObject(v)) {
      add(key, 'must be an object');
      return undefined;
    }
    return v;
  };

  const uses = section('uses');
  if (uses) {
    eachOf('uses.permitted', uses.permitted, AI_USES, 'AI use');
    strings('uses.outOfScope', uses.outOfScope);
    strings('uses.recommended', uses.recommended);
  }
  const collection = section('collection');
  if (collection) {
    oneOf('collection.sourceType', collection.sourceType, SOURCE_TYPES, 'source type');
    strings('collection.methods', collection.methods);
    const tf = collection.timeframe;
    if (isObject(tf)) {
      for (const k of ['start', 'end'] as const) {
        if (tf[k] !== undefined && !isIsoDate(tf[k]))
          add(`collection.timeframe.${k}`, 'must be an ISO 8601 date');
      }
    }
  }
  if (ai.preparation !== undefined) {
    if (!Array.isArray(ai.preparation)) add('preparation', 'must be a list of preparation steps');
    else
      for (const [j, step] of ai.preparation.entries()) {
        if (!isObject(step)) {
          add(`preparation[${j}]`, 'must be an object with op, description and at');
          continue;
        }
        if (step.op === undefined)
          add(`preparation[${j}].op`, `is required; expected one of ${list(PREP_OPS)}`);
        oneOf(`preparation[${j}].op`, step.op, PREP_OPS, 'preparation operation');
        oneOf(
          `preparation[${j}].protocol`,
          step.protocol,
          ['preprocessing', 'manipulation', 'imputation'],
          'RAI protocol',
        );
        if (step.at !== undefined && !isIsoDate(step.at))
          add(`preparation[${j}].at`, 'must be an ISO 8601 date');
      }
  }
  const bias = section('bias');
  if (bias) {
    if (bias.examined !== undefined && typeof bias.examined !== 'boolean')
      add('bias.examined', 'must be true or false');
    if (bias.examinedAt !== undefined && !isIsoDate(bias.examinedAt))
      add('bias.examinedAt', 'must be an ISO 8601 date');
    strings('bias.findings', bias.findings);
    strings('bias.mitigations', bias.mitigations);
  }
  const gaps = section('gaps');
  if (gaps) {
    strings('gaps.limitations', gaps.limitations);
    if (Array.isArray(gaps.knownGaps)) {
      gaps.knownGaps.forEach((g, j) => {
        if (!isObject(g) || typeof g.remediation !== 'string' || !g.remediation)
          add(`gaps.knownGaps[${j}].remediation`, 'every known gap needs a remediation');
      });
    }
  }
  const pd = section('personalData');
  if (pd) {
    oneOf('personalData.level', pd.level, PERSONAL_DATA_LEVELS, 'personal-data level');
    eachOf('personalData.categories', pd.categories, PD_CATEGORIES, 'personal-data category');
    if (pd.fields !== undefined) {
      const paths = schemaPaths(doc);
      if (!Array.isArray(pd.fields))
        add('personalData.fields', 'must be a list of {path, category, protection}');
      else
        for (const [j, f] of pd.fields.entries()) {
          const at = `personalData.fields[${j}]`;
          if (!isObject(f) || typeof f.path !== 'string') {
            add(`${at}.path`, 'is required: the field as table.column');
            continue;
          }
          if (paths && !paths.has(f.path))
            add(
              `${at}.path`,
              `'${f.path}' is not a field of this contract; expected table.column of its schema`,
            );
          oneOf(`${at}.category`, f.category, PD_CATEGORIES, 'personal-data category');
          if (f.protection === undefined)
            add(`${at}.protection`, `is required; expected one of ${list(PROTECTIONS)}`);
          oneOf(`${at}.protection`, f.protection, PROTECTIONS, 'protection');
        }
    }
  }
  const legal = section('legal');
  if (legal) {
    eachOf('legal.purposes', legal.purposes, DPV_PURPOSES, 'purpose');
    oneOf('legal.legalBasis', legal.legalBasis, LEGAL_BASES, 'legal basis');
    oneOf(
      'legal.specialCategoryCondition',
      legal.specialCategoryCondition,
      SPECIAL_CATEGORY_CONDITIONS,
      'special-category condition',
    );
  }
  const retention = section('retention');
  if (retention && retention.period !== undefined) {
    if (typeof retention.period !== 'string' || !isDuration(retention.period))
      add('retention.period', 'must be an ISO 8601 duration such as P2Y or P90D');
  }
  const rights = section('rights');
  if (rights) {
    if (
      rights.license !== undefined &&
      (typeof rights.license !== 'string' || !isKnownLicence(rights.license))
    ) {
      add(
        'rights.license',
        `licence ${JSON.stringify(rights.license)} is not known; expected an SPDX id (${list(LICENCES)}) or an https URL`,
      );
    }
    if (rights.aiTrainingPermitted !== undefined && typeof rights.aiTrainingPermitted !== 'boolean')
      add('rights.aiTrainingPermitted', 'must be true or false');
  }
  const currency = section('currency');
  if (currency) {
    if (
      currency.freshnessSla !== undefined &&
      (typeof currency.freshnessSla !== 'string' || !isDuration(currency.freshnessSla))
    )
      add('currency.freshnessSla', 'must be an ISO 8601 duration such as P1D or PT6H');
    if (currency.lastRefreshedAt !== undefined && !isIsoDate(currency.lastRefreshedAt))
      add('currency.lastRefreshedAt', 'must be an ISO 8601 date-time');
    if (currency.isLive !== undefined && typeof currency.isLive !== 'boolean')
      add('currency.isLive', 'must be true or false');
  }
  if (ai.classification !== undefined && typeof ai.classification !== 'string')
    add('classification', 'must be a classification level name');
  const rag = section('rag');
  if (rag)
    oneOf('rag.aclPropagation', rag.aclPropagation, ['source_acl', 'dataset_acl', 'none'], 'ACL propagation');
  if (ai.approvals !== undefined) {
    if (!Array.isArray(ai.approvals)) add('approvals', 'must be a list of approvals');
    else
      for (const [j, a] of ai.approvals.entries()) {
        if (!isObject(a)) {
          add(`approvals[${j}]`, 'must be an object with scope, status, by and at');
          continue;
        }
        oneOf(`approvals[${j}].scope`, a.scope, AI_USES, 'AI use');
        oneOf(`approvals[${j}].status`, a.status, ['pending', 'approved', 'rejected'], 'approval status');
        if (a.expiresAt !== undefined && !isIsoDate(a.expiresAt))
          add(`approvals[${j}].expiresAt`, 'must be an ISO 8601 date');
      }
  }
  return issues;
}
