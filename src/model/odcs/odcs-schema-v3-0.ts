/**
 * Charter's JSON Schema (draft 2019-09) for ODCS v3.0.0–v3.0.2 data contracts, written from the
 * standard's documented structure. v3.0.x differs from v3.1.0 in ways that matter when validating:
 * most sub-objects are open (extra keys allowed), library rules name a `rule` (and a rule without a
 * `type` is a library rule), operators may be combined, `team` is a plain list of members, exclusive
 * bounds are flags, and there are no stable ids or relationships.
 */
import {
  date,
  dateTime,
  decimal,
  elementKeys,
  listOf,
  logicalTypeBranches,
  logicalTypeOptionsV30,
  logicalTypesV30,
  openObject,
  operatorValues,
  propertyKeys,
  qualityDimensions,
  qualityTypes,
  ref,
  scalar,
  serverBranches,
  serverLayoutsV30,
  text,
  when,
  whenAbsentOrIs,
  whenIs,
} from './odcs-schema-parts.js';

const serverCommonKeys = {
  server: text,
  type: { enum: Object.keys(serverLayoutsV30) },
  description: text,
  environment: text,
  roles: listOf(ref('Role')),
  customProperties: ref('CustomProperties'),
};

export const odcsSchemaV30 = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  title: 'ODCS v3.0.x data contract (Charter)',
  type: 'object',
  required: ['apiVersion', 'kind', 'id', 'version', 'status'],
  additionalProperties: false,
  properties: {
    apiVersion: { enum: ['v3.0.2', 'v3.0.1', 'v3.0.0'] },
    kind: { enum: ['DataContract'] },
    id: text,
    version: text,
    status: text,
    name: text,
    tenant: text,
    domain: text,
    dataProduct: text,
    tags: ref('Tags'),
    description: {
      type: 'object',
      properties: {
        usage: text,
        purpose: text,
        limitations: text,
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
        customProperties: ref('CustomProperties'),
      },
    },
    schema: listOf(ref('SchemaObject')),
    servers: listOf(ref('Server')),
    support: listOf(ref('SupportItem')),
    price: ref('Pricing'),
    team: listOf(ref('TeamMember')),
    roles: listOf(ref('Role')),
    slaDefaultElement: text,
    slaProperties: listOf(ref('SlaProperty')),
    authoritativeDefinitions: ref('AuthoritativeDefinitions'),
    customProperties: ref('CustomProperties'),
    contractCreatedTs: dateTime,
  },
  $defs: {
    Tags: listOf(text),
    AuthoritativeDefinitions: listOf(openObject({ url: text, type: text }, ['url', 'type'])),
    CustomProperties: listOf(openObject({ property: text, value: true })),
    SupportItem: openObject(
      { channel: text, url: text, description: text, tool: text, scope: text, invitationUrl: text },
      ['channel', 'url'],
    ),
    Pricing: openObject({ priceAmount: decimal, priceCurrency: text, priceUnit: text }),
    TeamMember: openObject({
      username: text,
      name: text,
      description: text,
      role: text,
      dateIn: date,
      dateOut: date,
      replacedByUsername: text,
    }),
    Role: openObject(
      {
        role: text,
        description: text,
        access: text,
        firstLevelApprovers: text,
        secondLevelApprovers: text,
        customProperties: ref('CustomProperties'),
      },
      ['role'],
    ),
    SlaProperty: openObject(
      { property: text, value: scalar, valueExt: scalar, unit: text, element: text, driver: text },
      ['property', 'value'],
    ),
    Server: {
      type: 'object',
      required: ['server', 'type'],
      properties: serverCommonKeys,
      allOf: serverBranches(serverLayoutsV30, serverCommonKeys, false),
    },
    SchemaObject: {
      type: 'object',
      required: ['name'],
      properties: {
        ...elementKeys(false),
        logicalType: { enum: ['object'] },
        physicalName: text,
        dataGranularityDescription: text,
        properties: listOf(ref('Property')),
        quality: ref('QualityRules'),
      },
      additionalProperties: false,
    },
    Property: {
      type: 'object',
      required: ['name'],
      properties: { ...elementKeys(false), ...propertyKeys(logicalTypesV30) },
      allOf: logicalTypeBranches(logicalTypesV30, logicalTypeOptionsV30, 'Property', 'ArrayItem'),
      unevaluatedProperties: false,
    },
    /** v3.0.x let array items carry nested `properties` whatever their logical type. */
    ArrayItem: {
      type: 'object',
      properties: {
        ...elementKeys(false),
        ...propertyKeys(logicalTypesV30),
        properties: listOf(ref('Property')),
      },
      allOf: logicalTypeBranches(logicalTypesV30, logicalTypeOptionsV30, 'Property', 'ArrayItem'),
      unevaluatedProperties: false,
    },
    QualityRules: listOf(ref('QualityRule')),
    /** Open: unknown keys pass. A rule without a `type` is a library rule and must name its `rule`. */
    QualityRule: {
      type: 'object',
      properties: {
        name: text,
        description: text,
        type: { enum: qualityTypes },
        dimension: { enum: qualityDimensions },
        method: text,
        severity: text,
        businessImpact: text,
        unit: text,
        schedule: text,
        scheduler: text,
        tags: ref('Tags'),
        customProperties: ref('CustomProperties'),
        authoritativeDefinitions: ref('AuthoritativeDefinitions'),
      },
      allOf: [
        when(whenAbsentOrIs('type', 'library'), {
          required: ['rule'],
          properties: { rule: text, ...operatorValues },
        }),
        when(whenIs('type', 'sql'), { required: ['query'], properties: { query: text } }),
        when(whenIs('type', 'custom'), {
          required: ['engine', 'implementation'],
          properties: { engine: text, implementation: { type: ['string', 'object'] } },
        }),
      ],
    },
  },
} as const;
