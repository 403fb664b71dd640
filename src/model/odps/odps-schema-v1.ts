/**
 * Charter's JSON Schema (draft 2019-09) for ODPS v1.0.0 data products, written from the standard's
 * documented structure. Like the official schema it accepts apiVersion v0.9.0 too (both official
 * examples still declare it) and closes every object.
 */

const text = { type: 'string' } as const;
const uri = { type: 'string', format: 'uri' } as const;
const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
const listOf = (items: object) => ({ type: 'array', items });

function closedObject(properties: Record<string, unknown>, required: readonly string[] = []): object {
  return {
    type: 'object',
    ...(required.length ? { required } : {}),
    properties,
    additionalProperties: false,
  };
}

/** The extension points most ODPS elements share. */
const extensions = {
  tags: ref('Tags'),
  customProperties: ref('CustomProperties'),
  authoritativeDefinitions: ref('AuthoritativeDefinitions'),
};

export const odpsSchemaV1 = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  title: 'ODPS v1.0.0 data product (Charter)',
  type: 'object',
  required: ['apiVersion', 'kind', 'id', 'status'],
  additionalProperties: false,
  properties: {
    apiVersion: { enum: ['v1.0.0', 'v0.9.0'] },
    kind: { enum: ['DataProduct'] },
    id: text,
    name: text,
    version: text,
    status: text,
    domain: text,
    tenant: text,
    description: closedObject({
      purpose: text,
      limitations: text,
      usage: text,
      customProperties: ref('CustomProperties'),
      authoritativeDefinitions: ref('AuthoritativeDefinitions'),
    }),
    ...extensions,
    inputPorts: listOf(ref('InputPort')),
    outputPorts: listOf(ref('OutputPort')),
    managementPorts: listOf(ref('ManagementPort')),
    support: listOf(ref('SupportChannel')),
    team: ref('Team'),
    productCreatedTs: { type: 'string', format: 'date-time' },
  },
  $defs: {
    Tags: listOf(text),
    CustomProperties: listOf(
      closedObject({ property: text, value: true, description: text }, ['property', 'value']),
    ),
    AuthoritativeDefinitions: listOf(
      closedObject({ type: text, url: uri, description: text }, ['type', 'url']),
    ),
    InputPort: closedObject({ name: text, version: text, contractId: text, ...extensions }, [
      'name',
      'version',
      'contractId',
    ]),
    OutputPort: closedObject(
      {
        name: text,
        description: text,
        type: text,
        version: text,
        contractId: text,
        sbom: listOf(closedObject({ type: text, url: uri }, ['url'])),
        inputContracts: listOf(closedObject({ id: text, version: text }, ['id', 'version'])),
        ...extensions,
      },
      ['name', 'version'],
    ),
    ManagementPort: closedObject(
      {
        name: text,
        content: text,
        type: text,
        url: uri,
        channel: text,
        description: text,
        ...extensions,
      },
      ['name', 'content'],
    ),
    SupportChannel: closedObject(
      {
        channel: text,
        url: uri,
        description: text,
        tool: text,
        scope: text,
        invitationUrl: uri,
        ...extensions,
      },
      ['channel', 'url'],
    ),
    Team: closedObject({
      name: text,
      description: text,
      members: listOf(ref('TeamMember')),
      ...extensions,
    }),
    TeamMember: closedObject(
      {
        username: text,
        name: text,
        description: text,
        role: text,
        dateIn: { type: 'string', format: 'date' },
        dateOut: { type: 'string', format: 'date' },
        replacedByUsername: text,
        ...extensions,
      },
      ['username'],
    ),
  },
} as const;
