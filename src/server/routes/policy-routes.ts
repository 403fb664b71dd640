/** Governance resources: policy explain and tests, compliance, approvals and waivers. */
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../model/errors.js';
import { type CharterDoc, charterKind } from '../../model/kinds/charter-kind.js';
import type { PolicyDoc } from '../../model/kinds/policy-kind.js';
import { policyKind } from '../../model/kinds/policy-kind.js';
import type { ComplianceQuery, WaiverState } from '../../policy/governance.js';
import type { ApprovalState } from '../../store/catalog-store.js';
import {
  anyObject,
  errorsFor,
  listOf,
  nullable,
  objectOf,
  stringList,
  UNKNOWN_FILTER,
  violationSchema,
} from '../schemas.js';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const decisionBody = { type: 'object', properties: { reason: { type: 'string', maxLength: 2000 } } } as const;

const violations = { type: 'array', items: violationSchema };

const explainSchema = objectOf(
  {
    subject: { type: 'string' },
    domain: nullable('string'),
    policies: {
      type: 'array',
      items: objectOf({
        policy: { type: 'string' },
        source: { type: 'string', description: '`charter`, or the domain that declares it' },
        enforcement: { type: 'string' },
        scope: { type: 'string', enum: ['asset', 'field'] },
        description: { type: 'string' },
        applies: { type: 'boolean', description: 'For an asset: whether the policy applies to it' },
        violations: { ...violations, description: 'For an asset it applies to: what it finds now' },
        result: { type: 'string', enum: ['pass', 'fail', 'waived'] },
      }),
    },
  },
  ['subject', 'domain', 'policies'],
);

const policyTestSchema = objectOf(
  {
    passed: { type: 'integer' },
    failed: { type: 'integer' },
    results: {
      type: 'array',
      items: objectOf({
        policy: { type: 'string' },
        test: { type: 'string' },
        expected: { type: 'string', enum: ['pass', 'fail'] },
        actual: { type: 'string', enum: ['pass', 'fail'] },
        ok: { type: 'boolean' },
        violations,
      }),
    },
  },
  ['passed', 'failed', 'results'],
);

const counts = {
  assets: { type: 'integer' },
  passing: { type: 'integer' },
  failing: { type: 'integer' },
  waived: { type: 'integer' },
};

const complianceSchema = objectOf({
  evaluatedAt: { type: 'string' },
  policies: { type: 'integer', description: 'Policies evaluated' },
  totals: objectOf(counts),
  byDomain: { type: 'array', items: objectOf({ domain: { type: 'string' }, ...counts }) },
  byOwner: { type: 'array', items: objectOf({ owner: { type: 'string' }, ...counts }) },
  byPolicy: {
    type: 'array',
    items: objectOf({
      policy: { type: 'string' },
      enforcement: { type: 'string' },
      source: { type: 'string' },
      matched: { type: 'integer' },
      failing: { type: 'integer' },
      waived: { type: 'integer' },
      errors: { type: 'integer' },
    }),
  },
  failing: {
    type: 'array',
    description: 'The failing (and waived) assets of this page, in the order they were swept',
    items: objectOf({
      asset: { type: 'string' },
      domain: nullable('string'),
      owners: stringList,
      stewards: stringList,
      violations,
    }),
  },
  page: objectOf({
    offset: { type: 'integer' },
    limit: nullable('integer', 'null: all'),
    total: { type: 'integer', description: 'Failing and waived assets in all' },
  }),
  changedDuring: {
    ...objectOf({ fromSeq: { type: 'integer' }, toSeq: { type: 'integer' } }),
    description: 'Set when a write landed while the assets were read: the audit head before and after',
  },
});

/** A pending change or a waiver awaiting a decision, and the decision once made. */
const approvalSchema = objectOf(
  {
    id: { type: 'string' },
    type: { type: 'string', enum: ['change', 'waiver'] },
    ref: { type: 'string' },
    version: { type: 'integer' },
    domain: nullable('string'),
    requestedBy: { type: 'string' },
    requestedAt: { type: 'string' },
    approverRole: { type: 'string' },
    violations: { ...violations, description: 'What needs the approval' },
    state: { type: 'string', enum: ['open', 'approved', 'rejected', 'superseded'] },
    decidedBy: nullable('string'),
    decidedAt: nullable('string'),
    reason: nullable('string'),
    write: {
      ...anyObject,
      type: ['object', 'null'],
      description: 'For a change: the prepared write that approving makes live',
    },
  },
  ['id', 'type', 'ref', 'version'],
);

const waiverSchema = objectOf({
  ref: { type: 'string' },
  policy: { type: 'string' },
  asset: { type: 'string' },
  reason: { type: 'string' },
  expires: { type: 'string' },
  requestedBy: { type: 'string' },
  state: { type: 'string', enum: ['requested', 'active', 'expired', 'rejected'] },
  decidedBy: nullable('string'),
  field: { type: 'string', description: 'Only this field (table.column)' },
});

export function policyRoutes(app: FastifyInstance) {
  app.get(
    '/api/v1/policies/explain',
    {
      schema: {
        summary:
          'The effective policy set of an asset or domain, where each policy comes from, and (for an asset) what it finds',
        tags: ['policy'],
        querystring: { type: 'object', required: ['ref'], properties: { ref: { type: 'string' } } },
        response: { 200: explainSchema, ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => request.charter.governance.explain((request.query as { ref: string }).ref),
  );

  app.post(
    '/api/v1/policies/test',
    {
      schema: {
        summary: "Run policies' tests: those of the policies in the body, or of every policy in the catalog",
        tags: ['policy'],
        body: {
          type: 'object',
          properties: {
            documents: { type: 'array', items: { type: 'object' } },
            charter: { type: 'object' },
          },
        },
        response: { 200: policyTestSchema, ...errorsFor(400) },
      },
    },
    async (request) => {
      const body = request.body as { documents?: unknown[]; charter?: unknown } | undefined;
      const docs = body?.documents;
      let charter: CharterDoc | undefined;
      if (body?.charter) {
        const issues = charterKind.validate(body.charter);
        if (issues.length)
          throw new InputError(`The charter is not valid: ${issues[0]!.path} ${issues[0]!.message}`);
        charter = body.charter as CharterDoc;
      }
      const list = docs?.map((doc, i) => {
        const issues = policyKind.validate(doc);
        if (issues.length)
          throw new InputError(
            `Document ${i + 1} is not a valid Policy: ${issues[0]!.path} ${issues[0]!.message}`,
          );
        const p = doc as PolicyDoc;
        return {
          ref: p.metadata.domain
            ? `policy:${p.metadata.domain}/${p.metadata.name}`
            : `policy:${p.metadata.name}`,
          doc: p,
        };
      });
      const results = await request.charter.governance.testPolicies(list, charter);
      return {
        passed: results.filter((r) => r.ok).length,
        failed: results.filter((r) => !r.ok).length,
        results,
      };
    },
  );

  app.get(
    '/api/v1/compliance',
    {
      schema: {
        summary:
          "Re-evaluate every current asset against today's effective policies; totals by domain, owner and policy",
        description: `With \`limit=0\` (and any of \`domain\`, \`owner\` and \`policy\`, or none), the counts are added up from where the server's background run left every asset while that is what a sweep would count now (no write since that changes what a sweep reads, no lapsed waiver, no rule on \`now\`, a caller who may read every asset); \`evaluatedAt\` is then that run's. Failing assets to list are swept. ${UNKNOWN_FILTER} An unknown policy is 404 too.`,
        tags: ['policy'],
        querystring: {
          type: 'object',
          properties: {
            domain: { type: 'string' },
            owner: { type: 'string' },
            policy: {
              type: 'string',
              description: 'only this policy, over the assets it applies to (the report counts only those)',
            },
            offset: {
              type: 'integer',
              minimum: 0,
              description: 'failing assets to skip before the first listed (default 0)',
            },
            limit: {
              type: 'integer',
              minimum: 0,
              description:
                'failing assets to list (default: all); 0 lists none. The counts always cover every asset; `page.total` is how many fail',
            },
          },
        },
        response: { 200: complianceSchema, ...errorsFor(400, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query as ComplianceQuery;
      return request.charter.governance.compliance({
        ...(q.domain ? { domain: q.domain } : {}),
        ...(q.owner ? { owner: q.owner } : {}),
        ...(q.policy ? { policy: q.policy } : {}),
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      });
    },
  );

  app.get(
    '/api/v1/approvals',
    {
      schema: {
        summary: 'Approvals: pending changes and waivers',
        description: UNKNOWN_FILTER,
        tags: ['policy'],
        querystring: {
          type: 'object',
          properties: {
            state: { enum: ['open', 'approved', 'rejected', 'superseded'] },
            ref: { type: 'string' },
            type: { enum: ['change', 'waiver'] },
          },
        },
        response: { 200: listOf('approvals', approvalSchema), ...errorsFor(400) },
      },
    },
    async (request) => {
      const q = request.query as { state?: ApprovalState; ref?: string; type?: 'change' | 'waiver' };
      return { approvals: await request.charter.governance.approvals(q) };
    },
  );

  for (const [verb, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    app.post(
      `/api/v1/approvals/:id/${verb}`,
      {
        schema: {
          summary: `${verb === 'approve' ? 'Approve' : 'Reject'} an approval (by id, or by the ref of the asset with an open one); nobody decides their own request`,
          tags: ['policy'],
          params: idParam,
          body: decisionBody,
          response: { 200: approvalSchema, ...errorsFor(400, 403, 404, 409) },
        },
      },
      async (request) => {
        const reason = (request.body as { reason?: string } | undefined)?.reason ?? null;
        return request.charter.governance.decideApproval(
          (request.params as { id: string }).id,
          decision,
          request.charter.actor,
          reason,
        );
      },
    );
    app.post(
      `/api/v1/waivers/:id/${verb}`,
      {
        schema: {
          summary: `${verb === 'approve' ? 'Grant' : 'Refuse'} a waiver (data office only)`,
          tags: ['policy'],
          params: idParam,
          body: decisionBody,
          response: { 200: approvalSchema, ...errorsFor(400, 403, 404, 409) },
        },
      },
      async (request) => {
        const reason = (request.body as { reason?: string } | undefined)?.reason ?? null;
        return request.charter.governance.decideApproval(
          (request.params as { id: string }).id,
          decision,
          request.charter.actor,
          reason,
          'waiver',
        );
      },
    );
  }

  app.get(
    '/api/v1/waivers',
    {
      schema: {
        summary: 'Waivers with their state: requested, active, expired, rejected',
        description: UNKNOWN_FILTER,
        tags: ['policy'],
        querystring: {
          type: 'object',
          properties: {
            ref: { type: 'string', description: 'Only the waivers of this asset' },
            state: {
              type: 'string',
              enum: ['requested', 'active', 'expired', 'rejected'],
              description: 'Only the waivers in this state',
            },
          },
        },
        response: { 200: listOf('waivers', waiverSchema) },
      },
    },
    async (request) => {
      const q = request.query as { ref?: string; state?: WaiverState };
      return {
        waivers: await request.charter.governance.waivers({
          ...(q.ref ? { ref: q.ref } : {}),
          ...(q.state ? { state: q.state } : {}),
        }),
      };
    },
  );
}
