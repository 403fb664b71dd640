/**
 * The policy benchmark's organisation on top of bench/generate.ts: a charter and 50 policies (25
 * asset-scope, 25 field-scope) written like the starter charter in examples/org/policies, three of
 * them domain policies, and the 50-field contract whose changed versions the admission figure applies.
 */
import type { SourceDoc } from '../src/catalog/parse.js';
import { type Json, Rng } from './generate.js';

export const CLASSIFICATION_LEVELS = ['public', 'internal', 'confidential', 'restricted'];
export const DATA_OFFICE = 'user:alice';

interface PolicySpec {
  name: string;
  rule: string;
  message: string;
  enforcement?: 'deny' | 'warn' | 'audit' | 'require-approval';
  match?: Json;
  /** Index into the generated domains for a domain policy. */
  domain?: number;
}

const AI = 'asset.customProperties.filter(p, p.property == "x-charter-ai")[0].value';
const HAS_AI = '!asset.customProperties.exists(p, p.property == "x-charter-ai")';
const SENSITIVE = ['confidential', 'restricted'];

/** 25 asset-scope policies: ownership, description, lifecycle, naming, structure and GenAI checks. */
const ASSET_POLICIES: PolicySpec[] = [
  { name: 'asset-has-owner', rule: 'owners.size() > 0', message: '{{ref}} has no owner' },
  { name: 'asset-has-steward', rule: 'stewards.size() > 0', message: '{{ref}} has no steward' },
  {
    name: 'dataset-purpose-described',
    rule: 'has(asset.description) && has(asset.description.purpose) && asset.description.purpose.size() >= 20',
    message: '{{ref}} does not describe its purpose (description.purpose, at least 20 characters)',
  },
  {
    name: 'contract-status-known',
    rule: 'asset.status in ["proposed", "draft", "active", "deprecated", "retired"]',
    message: "{{ref}} has the unknown status '{{asset.status}}'",
  },
  {
    name: 'retired-stays-retired',
    rule: '!has(previous.status) || previous.status != "retired" || asset.status == "retired"',
    message: '{{ref}} was retired and cannot come back',
  },
  {
    name: 'reactivation-needs-approval',
    rule: '!has(previous.status) || !(previous.status == "deprecated" && asset.status == "active")',
    message: '{{ref}} goes from deprecated back to active',
    enforcement: 'require-approval',
  },
  {
    name: 'active-contract-has-server',
    rule: 'asset.status != "active" || (has(asset.servers) && asset.servers.size() > 0)',
    message: '{{ref}} is active but names no server',
    enforcement: 'audit',
  },
  {
    name: 'steward-for-sensitive-data',
    rule: 'stewards.size() > 0',
    message: '{{ref}} holds sensitive data but has no steward',
    match: { kinds: ['DataContract'], classifications: SENSITIVE },
  },
  {
    name: 'quality-rules-for-sensitive-data',
    rule: 'asset.schema.exists(t, (has(t.quality) && t.quality.size() > 0) || t.properties.exists(f, has(f.quality) && f.quality.size() > 0))',
    message: '{{ref}} holds sensitive data but declares no quality rule',
    enforcement: 'audit',
    match: { kinds: ['DataContract'], classifications: ['restricted'] },
  },
  {
    name: 'declared-classification-covers-fields',
    rule: '!asset.customProperties.exists(p, p.property == "classification") || cel.bind(level, classificationRank(asset.customProperties.filter(p, p.property == "classification")[0].value), asset.schema.all(t, t.properties.all(f, !has(f.classification) || classificationRank(f.classification) <= level)))',
    message: '{{ref}} declares a classification below that of one of its fields',
  },
  {
    name: 'contract-id-is-uuid',
    rule: 'has(asset.id) && asset.id.matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")',
    message: "{{ref}} has the id '{{asset.id}}', which is not a UUID",
  },
  {
    name: 'contract-version-semver',
    rule: 'has(asset.version) && asset.version.matches("^[0-9]+\\\\.[0-9]+\\\\.[0-9]+$")',
    message: "{{ref}} has the version '{{asset.version}}', which is not MAJOR.MINOR.PATCH",
  },
  {
    name: 'contract-name-snake-case',
    rule: 'asset.name.matches("^[a-z][a-z0-9_]*$") && asset.name.size() <= 80',
    message: "{{ref}}: the name '{{asset.name}}' is not snake_case of at most 80 characters",
  },
  {
    name: 'schema-not-empty',
    rule: 'has(asset.schema) && asset.schema.size() > 0 && asset.schema.all(t, has(t.properties) && t.properties.size() > 0)',
    message: '{{ref}} has a schema object without properties',
  },
  {
    name: 'tables-named',
    rule: 'asset.schema.all(t, has(t.name) && t.name.size() > 0 && t.name.matches("^[a-z][a-z0-9_]*$"))',
    message: '{{ref}} has a schema object without a snake_case name',
  },
  {
    name: 'tables-not-too-wide',
    rule: 'asset.schema.all(t, t.properties.size() <= 200)',
    message: '{{ref}} has a table of more than 200 columns',
    enforcement: 'warn',
  },
  {
    name: 'tables-have-identifier',
    rule: 'asset.schema.all(t, t.properties.exists(f, f.name == "id" || f.name.endsWith("_id")))',
    message: '{{ref}} has a table without an identifier column (id or *_id)',
    enforcement: 'warn',
  },
  {
    name: 'odcs-version-supported',
    rule: 'asset.apiVersion in ["v3.0.0", "v3.0.1", "v3.0.2", "v3.1.0"]',
    message: '{{ref}} uses the unsupported ODCS version {{asset.apiVersion}}',
  },
  {
    name: 'personal-data-tagged-gdpr',
    rule: '!asset.schema.exists(t, t.properties.exists(f, has(f.tags) && "pii" in f.tags)) || asset.schema.exists(t, t.properties.exists(f, has(f.tags) && "gdpr" in f.tags))',
    message: '{{ref}} holds personal data but no field is tagged gdpr',
    enforcement: 'warn',
  },
  {
    name: 'ai-training-needs-legal-basis',
    rule: `${HAS_AI} || cel.bind(ai, ${AI}, !(has(ai.uses) && has(ai.uses.permitted) && ai.uses.permitted.exists(u, u in ["training", "fine_tuning", "rag_retrieval"])) || (has(ai.personalData) && ai.personalData.level in ["none", "anonymised"]) || (has(ai.legal) && has(ai.legal.legalBasis) && ai.legal.legalBasis.startsWith("eu-gdpr:A6-1-") && has(ai.legal.purposes) && ai.legal.purposes.size() > 0 && has(ai.legal.ropaRef)))`,
    message: '{{ref}} offers personal data for AI training or retrieval without a legal basis',
  },
  {
    name: 'ai-licence-permits-training',
    rule: `${HAS_AI} || cel.bind(ai, ${AI}, !(has(ai.uses) && has(ai.uses.permitted) && ai.uses.permitted.exists(u, u in ["training", "fine_tuning"])) || (has(ai.rights) && has(ai.rights.license) && has(ai.rights.aiTrainingPermitted) && ai.rights.aiTrainingPermitted == true))`,
    message: '{{ref}} is offered for training without a licence that permits AI training',
  },
  {
    name: 'ai-rag-freshness-declared',
    rule: `${HAS_AI} || cel.bind(ai, ${AI}, !(has(ai.uses) && has(ai.uses.permitted) && "rag_retrieval" in ai.uses.permitted) || (has(ai.currency) && has(ai.currency.freshnessSla) && has(ai.currency.maintenancePlan)))`,
    message: '{{ref}} is a RAG corpus without a freshness SLA and maintenance plan',
  },
  {
    name: 'finance-amounts-have-currency',
    rule: '!asset.schema.exists(t, t.properties.exists(f, f.name.endsWith("amount"))) || asset.schema.exists(t, t.properties.exists(f, f.name.endsWith("currency")))',
    message: '{{ref}} holds amounts but no currency column',
    enforcement: 'warn',
    domain: 2,
  },
  {
    name: 'sales-purpose-names-entity',
    rule: 'asset.description.purpose.size() >= 30 && !asset.description.purpose.contains("TODO")',
    message: '{{ref}}: the purpose is shorter than 30 characters or still says TODO',
    domain: 0,
  },
  {
    name: 'payments-contracts-classified',
    rule: 'asset.schema.exists(t, t.properties.exists(f, has(f.classification)))',
    message: '{{ref}} classifies none of its fields',
    match: { kinds: ['DataContract'], domains: [] },
    domain: 3,
  },
];

/** 25 field-scope policies: descriptions, classification, naming and types, tags. */
const FIELD_POLICIES: PolicySpec[] = [
  {
    name: 'field-described',
    rule: 'has(field.description) && field.description.size() >= 5',
    message: 'Field {{field.path}} has no description',
    enforcement: 'warn',
  },
  {
    name: 'classification-is-a-charter-level',
    rule: '!has(field.classification) || classificationRank(field.classification) >= 0',
    message:
      "Field {{field.path}} is classified '{{field.classification}}', which is not a level of the charter",
  },
  {
    name: 'personal-data-classified',
    rule: '!field.tags.exists(t, t == "pii" || t.startsWith("pii:")) || (has(field.classification) && classificationRank(field.classification) >= classificationRank("confidential"))',
    message: "Field {{field.path}} holds personal data but is classified '{{field.classification}}'",
  },
  {
    name: 'critical-elements-checked',
    rule: '!(has(field.criticalDataElement) && field.criticalDataElement) || (has(field.quality) && field.quality.size() > 0)',
    message: 'Critical data element {{field.path}} has no quality rule',
  },
  {
    name: 'field-name-snake-case',
    rule: 'field.name.matches("^[a-z][a-z0-9_]*$")',
    message: "Field {{field.path}}: '{{field.name}}' is not snake_case",
  },
  {
    name: 'field-name-length',
    rule: 'field.name.size() >= 2 && field.name.size() <= 64',
    message: 'Field {{field.path}} has a name shorter than 2 or longer than 64 characters',
  },
  {
    name: 'logical-type-known',
    rule: 'has(field.logicalType) && field.logicalType in ["string", "integer", "number", "boolean", "date", "timestamp", "time", "object", "array"]',
    message: "Field {{field.path}} has the unknown logical type '{{field.logicalType}}'",
  },
  {
    name: 'physical-type-set',
    rule: 'has(field.physicalType) && field.physicalType.size() > 0',
    message: 'Field {{field.path}} has no physical type',
    enforcement: 'warn',
  },
  {
    name: 'gdpr-fields-confidential',
    rule: '!("gdpr" in field.tags) || (has(field.classification) && classificationRank(field.classification) >= classificationRank("confidential"))',
    message: "Field {{field.path}} is tagged gdpr but classified '{{field.classification}}'",
    enforcement: 'warn',
  },
  {
    name: 'financial-fields-not-public',
    rule: '!("finance" in field.tags) || !has(field.classification) || field.classification != "public"',
    message: 'Field {{field.path}} holds financial data but is classified public',
  },
  {
    name: 'card-data-protected',
    rule: '!("pci" in field.tags) || (has(field.classification) && classificationRank(field.classification) >= classificationRank("confidential"))',
    message: 'Field {{field.path}} holds card data below confidential',
  },
  {
    name: 'description-not-the-name',
    rule: '!has(field.description) || field.description != field.name',
    message: 'Field {{field.path}} is described by its own name',
    enforcement: 'warn',
  },
  {
    name: 'description-is-a-sentence',
    rule: '!has(field.description) || field.description.endsWith(".")',
    message: 'Field {{field.path}}: the description is not a sentence',
    enforcement: 'audit',
  },
  {
    name: 'description-long-enough',
    rule: '!has(field.description) || field.description.size() >= 30',
    message: 'Field {{field.path}}: the description has fewer than 30 characters',
    enforcement: 'audit',
  },
  {
    name: 'timestamp-fields-named-at',
    rule: 'field.logicalType != "timestamp" || field.name.endsWith("_at")',
    message: "Field {{field.path}} is a timestamp but its name does not end in '_at'",
    enforcement: 'warn',
  },
  {
    name: 'date-fields-named-date',
    rule: 'field.logicalType != "date" || field.name.endsWith("_date")',
    message: "Field {{field.path}} is a date but its name does not end in '_date'",
    enforcement: 'warn',
  },
  {
    name: 'boolean-fields-prefixed',
    rule: 'field.logicalType != "boolean" || field.name.startsWith("is_") || field.name.startsWith("has_") || field.name.contains("consent")',
    message: "Field {{field.path}} is a boolean but its name does not start with 'is_' or 'has_'",
    enforcement: 'audit',
  },
  {
    name: 'identifiers-are-keys',
    rule: '!field.name.endsWith("_id") || field.logicalType in ["string", "integer"]',
    message: 'Field {{field.path}} is an identifier of type {{field.logicalType}}',
  },
  {
    name: 'deprecated-fields-explained',
    rule: '!("deprecated" in field.tags) || field.description.contains("eprecated")',
    message: 'Field {{field.path}} is tagged deprecated but its description does not say why',
    enforcement: 'warn',
  },
  {
    name: 'restricted-fields-without-examples',
    rule: '!has(field.classification) || field.classification != "restricted" || !has(field.examples)',
    message: 'Field {{field.path}} is restricted but shows examples',
  },
  {
    name: 'restricted-fields-tagged',
    rule: 'field.tags.size() > 0',
    message: 'Field {{field.path}} is restricted but carries no tag saying why',
    match: { kinds: ['DataContract'], classifications: ['restricted'] },
  },
  {
    name: 'personal-data-has-classification',
    rule: '!field.tags.exists(t, t.startsWith("pii")) || has(field.classification)',
    message: 'Field {{field.path}} holds personal data but has no classification',
  },
  {
    name: 'experimental-fields-not-active',
    rule: '!("experimental" in field.tags) || asset.status != "active"',
    message: 'Field {{field.path}} is experimental in an active contract',
    enforcement: 'warn',
  },
  {
    name: 'field-tags-lowercase',
    rule: 'field.tags.all(t, t.matches("^[a-z0-9:-]+$"))',
    message: 'Field {{field.path}} has a tag that is not lowercase',
  },
  {
    // Written carelessly on purpose: `field.quality` is missing on most fields, so a certified field
    // without quality rules makes the rule fail at run time (reported as an error of the policy).
    name: 'certified-fields-checked',
    rule: '!("certified" in field.tags) || field.quality.size() > 0',
    message: 'Certified field {{field.path}} has no quality rule',
    enforcement: 'warn',
  },
];

export const POLICY_COUNT = ASSET_POLICIES.length + FIELD_POLICIES.length;

/** The charter and the 50 policies, as documents to apply after the generated users and domains. */
export function governanceDocs(domains: readonly string[]): SourceDoc[] {
  const docs: Json[] = [
    {
      apiVersion: 'charter/v1',
      kind: 'Charter',
      metadata: { name: 'bench' },
      spec: {
        dataOffice: [DATA_OFFICE],
        classificationLevels: CLASSIFICATION_LEVELS.map((name) => ({ name })),
        personalDataCategories: ['identifying', 'contact', 'location', 'financial'].map((name) => ({ name })),
      },
    },
  ];
  const policy = (p: PolicySpec, scope: 'asset' | 'field') => {
    const domain = p.domain === undefined ? undefined : domains[p.domain % domains.length];
    const match = { kinds: ['DataContract'], ...(p.match ?? {}) } as Json;
    // A domain policy's match.domains may only name its own subtree.
    if (Array.isArray(match.domains)) match.domains = domain ? [domain] : undefined;
    if (!match.domains) delete match.domains;
    return {
      apiVersion: 'charter/v1',
      kind: 'Policy',
      metadata: domain ? { name: p.name, domain } : { name: p.name },
      spec: {
        match,
        ...(scope === 'field' ? { scope: 'field' } : {}),
        rule: p.rule,
        message: p.message,
        remediation: `See the data office's guidance on ${p.name.replace(/-/g, ' ')}.`,
        enforcement: p.enforcement ?? 'deny',
      },
    };
  };
  for (const p of ASSET_POLICIES) docs.push(policy(p, 'asset'));
  for (const p of FIELD_POLICIES) docs.push(policy(p, 'field'));
  return docs.map((doc, index) => ({ source: 'governance.yaml', index, doc }));
}

const ADMISSION_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'timestamp'] as const;

/**
 * Version `v` of a 50-field contract that passes every deny policy (so each apply is admitted and
 * stored): the same fields each time, with one description changed so the digest differs.
 */
export function admissionContract(domain: string, fields: number, v: number, seed = 7): Json {
  const rng = new Rng(seed);
  const properties: Json[] = [];
  for (let i = 0; i < fields; i++) {
    const logicalType = i === 0 ? 'string' : rng.pick(ADMISSION_TYPES);
    const prefix = logicalType === 'boolean' ? 'is_' : '';
    const suffix = logicalType === 'timestamp' ? '_at' : logicalType === 'date' ? '_date' : '';
    const name = i === 0 ? 'order_id' : `${prefix}attribute_${i}${suffix}`;
    const prop: Json = {
      name,
      logicalType,
      physicalType: logicalType === 'string' ? 'varchar(255)' : logicalType,
      description: `Attribute ${i} of the order as the web shop records it${i === 1 ? ` (revision ${v})` : ''}.`,
    };
    if (i % 5 === 1) {
      prop.classification = 'confidential';
      prop.tags = ['pii'];
    } else if (i % 7 === 2) prop.classification = 'internal';
    properties.push(prop);
  }
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: '4a1c4e0e-5f0e-4c9a-9a7e-2f0d3b6c8e11',
    name: 'orders_wide',
    version: `1.0.${v}`,
    status: 'active',
    domain,
    description: {
      purpose: 'Every order placed in the web shop, one row per order, with fifty attributes.',
    },
    servers: [
      {
        server: 'warehouse',
        type: 'postgres',
        host: 'db.example.com',
        port: 5432,
        database: 'shop',
        schema: 'public',
      },
    ],
    schema: [
      {
        name: 'orders_wide',
        physicalType: 'table',
        quality: [{ metric: 'rowCount', mustBeGreaterThan: 0 }],
        properties,
      },
    ],
  };
}
