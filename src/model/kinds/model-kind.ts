/**
 * `Model`: a machine-learning model in the AI inventory (AI-METADATA.md §7.2), with its owners and
 * stewards, intended purpose, risk class, base models and the dataset *versions* it was trained,
 * validated or evaluated on, each link with its role. The shared parts of the record (also used by
 * `AiApplication`) live here.
 */
import { compileSchema } from '../schema-validator.js';
import type { ValidationIssue } from '../validation.js';
import { principalRelations } from './domain-kind.js';
import {
  clone,
  type Envelope,
  envelopeIdentity,
  envelopeSchema,
  envelopeSearch,
  refListSchema,
  refSchema,
} from './envelope.js';
import type { KindContext, KindDefinition, Relation } from './kind.js';

/** The role of a link between an AI system and a dataset version. */
export const LINK_ROLES = [
  'training',
  'fine_tuning',
  'validation',
  'evaluation',
  'rag_retrieval',
  'prompt_context',
  'inference_input',
  'output',
] as const;

export type LinkRole = (typeof LINK_ROLES)[number];

export const STAGES = ['proposal', 'development', 'production', 'retired'] as const;
export const EU_AI_ACT_CLASSES = [
  'prohibited',
  'high',
  'limited',
  'minimal',
  'gpai',
  'gpai_systemic',
] as const;

/** A link to a dataset version: `version` is the Charter version of the contract, or "latest" (flagged). */
export interface DatasetLink {
  dataset: string;
  version: number | 'latest';
  role: LinkRole;
  /** Digest of the dataset version (the Charter version digest, or the data's own checksum). */
  digest?: string;
  motivation?: string;
  preprocessing?: string[];
}

export interface BaseModel {
  id: string;
  version: string;
  provider?: string;
  accessMode?: 'api' | 'weights' | 'hosted';
  license?: string;
  /** The base model's own record, when it is in the catalog. */
  model?: string;
}

export interface AiSystemSpec {
  title?: string;
  description?: string;
  type?: string;
  version: string;
  stage: (typeof STAGES)[number];
  owners?: string[];
  stewards?: string[];
  roles?: Record<string, string[]>;
  /** EU AI Act role of the organisation for this system. */
  role?: 'provider' | 'deployer' | 'both';
  intendedPurpose?: string;
  intendedUsers?: string[];
  outOfScopeUses?: string[];
  riskClass?: {
    euAiAct: (typeof EU_AI_ACT_CLASSES)[number];
    annexIIIArea?: string;
    rationale?: string;
    assessedAt?: string;
  };
  task?: string;
  architecture?: string;
  license?: string;
  baseModels?: BaseModel[];
  inputs?: DatasetLink[];
  [key: string]: unknown;
}

export type ModelDoc = Envelope<AiSystemSpec>;

const principals = refListSchema('user', 'team');
const strings = { type: 'array', items: { type: 'string' } };
const dateTime = { type: 'string', format: 'date-time' };

export const datasetLinkSchema = {
  type: 'object',
  required: ['dataset', 'version', 'role'],
  additionalProperties: false,
  properties: {
    dataset: refSchema('dataset'),
    version: {
      anyOf: [{ type: 'integer', minimum: 1 }, { const: 'latest' }],
      description: 'the Charter version of the contract (an integer), or "latest" (allowed but flagged)',
    },
    role: { enum: [...LINK_ROLES] },
    digest: { type: 'string', minLength: 1 },
    motivation: { type: 'string' },
    preprocessing: strings,
  },
};

/** The properties every AI system record has (Model and AiApplication add theirs). */
export function aiSystemProperties(types: readonly string[]): Record<string, object> {
  return {
    title: { type: 'string' },
    description: { type: 'string' },
    type: { enum: [...types] },
    version: {
      type: 'string',
      minLength: 1,
      description: 'the system\'s own version, as a string ("3.2.0")',
    },
    stage: { enum: [...STAGES], description: `its lifecycle stage: ${STAGES.join(', ')}` },
    owners: principals,
    stewards: principals,
    roles: { type: 'object', additionalProperties: principals },
    role: { enum: ['provider', 'deployer', 'both'] },
    intendedPurpose: { type: 'string' },
    intendedUsers: strings,
    outOfScopeUses: strings,
    riskClass: {
      type: 'object',
      required: ['euAiAct'],
      additionalProperties: false,
      properties: {
        euAiAct: { enum: [...EU_AI_ACT_CLASSES] },
        annexIIIArea: { type: 'string' },
        rationale: { type: 'string' },
        assessedAt: { type: 'string' },
      },
    },
    task: { type: 'string' },
    architecture: { type: 'string' },
    license: { type: 'string' },
    baseModels: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'version'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          version: { type: 'string', minLength: 1 },
          provider: { type: 'string' },
          accessMode: { enum: ['api', 'weights', 'hosted'] },
          license: { type: 'string' },
          model: refSchema('model'),
        },
      },
    },
    inputs: { type: 'array', items: datasetLinkSchema },
    trainingRuns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['runId'],
        properties: {
          runId: { type: 'string', minLength: 1 },
          startedAt: dateTime,
          endedAt: dateTime,
          codeRef: { type: 'string' },
        },
      },
    },
    evaluation: {
      type: 'object',
      properties: {
        metrics: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'value'],
            properties: { type: { type: 'string' }, value: { type: 'number' }, slice: { type: 'string' } },
          },
        },
        disaggregatedBy: strings,
        reportRef: { type: 'string' },
        evaluatedAt: { type: 'string' },
      },
    },
    limitations: strings,
    ethicalConsiderations: { type: 'object' },
    humanOversight: {
      type: 'object',
      properties: { measures: strings, roles: strings },
    },
    logging: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        retentionDays: { type: 'integer', minimum: 0 },
        storeRef: { type: 'string' },
      },
    },
    outputs: {
      type: 'object',
      properties: {
        syntheticContent: { type: 'boolean' },
        machineReadableMarking: { type: 'string' },
        piiOutputScan: { type: 'boolean' },
      },
    },
    technicalDocumentationRef: { type: 'string' },
    docRetentionUntil: { type: 'string' },
    placedOnMarket: { type: 'string' },
    knownIssues: { type: 'array', items: { type: 'object' } },
    deployments: {
      type: 'array',
      items: {
        type: 'object',
        required: ['endpoint'],
        properties: {
          endpoint: { type: 'string' },
          environment: { type: 'string' },
          since: { type: 'string' },
        },
      },
    },
  };
}

/** The envelope schema of an AI system kind; `x-` keys carry an organisation's own fields. */
export function aiSystemSchema(kind: string, types: readonly string[], extra: Record<string, object> = {}) {
  return envelopeSchema(
    kind,
    {
      type: 'object',
      required: ['version', 'stage'],
      additionalProperties: false,
      patternProperties: { '^x-': {} },
      properties: { ...aiSystemProperties(types), ...extra },
    },
    { domain: 'required' },
  );
}

/** Owners, stewards, role holders, dataset links (with their role) and catalogued base models. */
export function aiSystemRelations(doc: Envelope<AiSystemSpec>, ctx: KindContext): Relation[] {
  const out = principalRelations(doc.spec.owners, doc.spec.stewards, doc.spec.roles, 'spec', ctx);
  const seen = new Set<string>();
  (doc.spec.inputs ?? []).forEach((link, i) => {
    const type = link.role === 'output' ? 'producesData' : 'usesData';
    const key = `${type}|${link.dataset}|${link.role}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ type, target: link.dataset, role: link.role, path: `spec.inputs[${i}].dataset` });
  });
  (doc.spec.baseModels ?? []).forEach((base, i) => {
    if (base.model) out.push({ type: 'usesModel', target: base.model, path: `spec.baseModels[${i}].model` });
  });
  return out;
}

/** Links to "latest" are accepted, but the record cannot say what the system was built on. */
export function latestLinkWarnings(doc: unknown): ValidationIssue[] {
  const inputs = ((doc as ModelDoc).spec?.inputs ?? []) as DatasetLink[];
  return inputs.flatMap((link, i) =>
    link.version === 'latest'
      ? [
          {
            path: `spec.inputs[${i}].version`,
            message: `links to the latest version of ${link.dataset}, which moves; pin the version (an integer) so the record shows which data the system was ${link.role === 'output' ? 'writing' : 'built on'}`,
          },
        ]
      : [],
  );
}

export function aiSystemSearch(doc: Envelope<AiSystemSpec>) {
  const s = doc.spec;
  return envelopeSearch(
    doc,
    s.title ?? '',
    [s.description, s.intendedPurpose].filter(Boolean).join(' '),
    [
      s.task,
      s.architecture,
      ...(s.baseModels ?? []).map((b) => `${b.id} ${b.provider ?? ''}`),
      ...(s.inputs ?? []).map((l) => `${l.dataset.split('/').pop()} ${l.role}`),
    ]
      .filter(Boolean)
      .join(' '),
  );
}

const validateSchema = compileSchema(aiSystemSchema('Model', ['model', 'fine_tuned_model']));

export const modelKind: KindDefinition<ModelDoc> = {
  kind: 'Model',
  refKind: 'model',
  domainScoped: 'required',
  validate: validateSchema,
  warnings: latestLinkWarnings,
  normalize: (doc) => clone<ModelDoc>(doc),
  identify: envelopeIdentity,
  relations: aiSystemRelations,
  summary: (doc) => ({
    title: doc.spec.title ?? doc.metadata.name,
    description: doc.spec.description ?? doc.spec.intendedPurpose ?? '',
  }),
  searchText: aiSystemSearch,
  fields: () => [],
};
