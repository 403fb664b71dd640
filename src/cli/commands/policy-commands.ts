/** `policy test|explain`, `compliance`, `approvals …` and `waivers …`. */
import type { Command } from 'commander';
import { parseSources } from '../../catalog/parse.js';
import { InputError } from '../../model/errors.js';
import { type CharterDoc, charterKind } from '../../model/kinds/charter-kind.js';
import { type PolicyDoc, policyKind } from '../../model/kinds/policy-kind.js';
import type { Violation } from '../../model/violation.js';
import type { WaiverState } from '../../policy/governance.js';
import type { ApprovalRow, ApprovalState } from '../../store/catalog-store.js';
import { principalOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { readManifestFiles } from '../files.js';
import { count, formatTable, printData, wrap } from '../output.js';
import { withContext } from './catalog-commands.js';

/** A violation on a line starting with `prefix` (wrapped to the terminal), its remediation beneath. */
export function formatViolation(v: Violation, prefix = ''): string {
  const where = v.field ? ` ${v.field}` : v.path ? ` ${v.path}` : '';
  const waived = v.waivedBy ? ` [waived by ${v.waivedBy}]` : '';
  const head = `${prefix}${v.enforcement.padEnd(16)} `;
  const text = wrap(`${v.policy}${where}: ${v.message}${waived}`, head);
  if (!v.remediation) return text;
  const fix = `${' '.repeat(prefix.length + 2)}fix: `;
  return `${text}\n${wrap(v.remediation, fix)}`;
}

function approvalsTable(rows: ApprovalRow[]): string {
  if (!rows.length) return 'No approvals.';
  return formatTable(rows, [
    { header: 'id', value: (r) => r.id.slice(0, 8), min: 8 },
    { header: 'type', value: (r) => r.type, min: 6 },
    { header: 'ref', value: (r) => `${r.ref} v${r.version}`, flex: 2 },
    { header: 'state', value: (r) => r.state, min: 8 },
    { header: 'by', value: (r) => r.requestedBy },
    { header: 'approver', value: (r) => r.approverRole },
  ]);
}

export function registerPolicyCommands(program: Command) {
  const policy = program.command('policy').description('Test and explain policies');

  const test = policy
    .command('test')
    .description(
      'Run the tests policies carry (from files, or every policy in the catalog); exit 1 on any mismatch',
    )
    .argument('[path...]', 'policy files or folders');
  test.action(
    withContext(test, async (ctx, paths: string[]) => {
      let docs: { ref: string; doc: PolicyDoc }[] | undefined;
      let charter: CharterDoc | undefined;
      if (paths.length) {
        const parsed = parseSources(readManifestFiles(paths));
        if (parsed.problems.length) {
          const p = parsed.problems[0]!;
          throw new InputError(`${p.source}#${p.index + 1}: ${p.message}`);
        }
        docs = [];
        for (const d of parsed.docs) {
          const doc = d.doc as PolicyDoc;
          if ((doc as { kind?: string })?.kind === 'Charter' && !charterKind.validate(doc).length) {
            charter = d.doc as CharterDoc;
            continue;
          }
          if (doc?.kind !== 'Policy') continue;
          const issues = policyKind.validate(doc);
          if (issues.length)
            throw new InputError(`${d.source}#${d.index + 1}: ${issues[0]!.path}: ${issues[0]!.message}`);
          docs.push({
            ref: doc.metadata.domain
              ? `policy:${doc.metadata.domain}/${doc.metadata.name}`
              : `policy:${doc.metadata.name}`,
            doc,
          });
        }
        if (!docs.length) throw new InputError('No Policy documents in the given paths');
      }
      const results = await ctx.governance.testPolicies(docs, charter);
      const failed = results.filter((r) => !r.ok).length;
      printData(results, ctx.format, () => {
        const lines = results.map(
          (r) =>
            `${r.ok ? 'ok  ' : 'FAIL'} ${r.policy} › ${r.test} (expected ${r.expected}, got ${r.actual})${
              r.ok ? '' : r.violations.map((v) => `\n       ${v.message}`).join('')
            }`,
        );
        lines.push('', `${results.length - failed} passed, ${failed} failed`);
        return lines.join('\n');
      });
      return failed ? EXIT.no : EXIT.ok;
    }),
  );

  const explain = policy
    .command('explain')
    .description(
      'The effective policy set of an asset or domain, where each policy comes from, and what it finds now',
    )
    .argument('<ref>', 'an asset ref or domain:NAME');
  explain.action(
    withContext(explain, async (ctx, ref: string) => {
      const r = await ctx.governance.explain(ref);
      printData(r, ctx.format, () => {
        const lines = [
          `Effective policies for ${r.subject} (${r.policies.length}):`,
          formatTable(r.policies, [
            { header: 'policy', value: (p) => p.policy, flex: 2 },
            { header: 'enforcement', value: (p) => p.enforcement, min: 11 },
            { header: 'from', value: (p) => p.source },
            ...(r.policies.some((p) => p.applies !== undefined)
              ? [
                  {
                    header: 'now',
                    value: (p: (typeof r.policies)[number]) => (p.applies ? p.result : 'n/a'),
                    min: 6,
                  },
                ]
              : []),
          ]),
        ];
        const found = r.policies.flatMap((p) =>
          p.result === 'fail' || p.result === 'waived' ? (p.violations ?? []) : [],
        );
        if (found.length) lines.push('', 'Findings:', ...found.map((v) => formatViolation(v, '  ')));
        return lines.join('\n');
      });
      return EXIT.ok;
    }),
  );

  const compliance = program
    .command('compliance')
    .description(
      "Re-evaluate every current asset against today's effective policies: passing, failing and waived by domain, owner and policy",
    )
    .option('--domain <name>', 'only this domain and its sub-domains')
    .option('--owner <ref>', 'only assets this user or team owns or stewards; me: you')
    .option('--policy <ref>', 'only this policy, over the assets it applies to (counts only those)')
    .option(
      '--limit <n>',
      "failing assets to list, with their violations ('all' for every one); the counts cover all assets",
      '50',
    )
    .option('--offset <n>', 'failing assets to skip before the first listed', '0');
  compliance.action(
    withContext(compliance, async (ctx) => {
      const o = compliance.opts() as {
        domain?: string;
        owner?: string;
        policy?: string;
        limit: string;
        offset: string;
      };
      o.owner = await principalOf(o.owner, compliance.optsWithGlobals(), '--owner');
      const report = await ctx.governance.compliance({
        ...(o.domain ? { domain: o.domain } : {}),
        ...(o.owner ? { owner: o.owner } : {}),
        ...(o.policy ? { policy: o.policy } : {}),
        ...(o.limit === 'all' ? {} : { limit: wholeNumber('--limit', o.limit, " or 'all'") }),
        offset: wholeNumber('--offset', o.offset),
      });
      printData(report, ctx.format, () => {
        const t = report.totals;
        const counts = (c: { assets: number; passing: number; failing: number; waived: number }) =>
          [c.assets, c.passing, c.failing, c.waived].map(count);
        const lines = [
          wrap(
            `${count(t.assets)} assets evaluated against ${count(report.policies)} polic${report.policies === 1 ? 'y' : 'ies'}: ${count(t.passing)} passing, ${count(t.failing)} failing, ${count(t.waived)} waived.`,
          ),
          ...(report.changedDuring
            ? [
                `The catalog changed while it was swept (audit records ${report.changedDuring.fromSeq + 1}-${report.changedDuring.toSeq}); run it again for one state.`,
              ]
            : []),
          '',
          formatTable(report.byDomain, [
            { header: 'domain', value: (d) => d.domain },
            ...['assets', 'passing', 'failing', 'waived'].map((h, i) => ({
              header: h,
              value: (d: (typeof report.byDomain)[number]) => counts(d)[i],
              min: 7,
            })),
          ]),
          '',
          formatTable(report.byOwner, [
            { header: 'owner', value: (d) => d.owner },
            ...['assets', 'passing', 'failing', 'waived'].map((h, i) => ({
              header: h,
              value: (d: (typeof report.byOwner)[number]) => counts(d)[i],
              min: 7,
            })),
          ]),
          '',
          formatTable(report.byPolicy, [
            { header: 'policy', value: (p) => p.policy, flex: 2 },
            { header: 'enforcement', value: (p) => p.enforcement, min: 11 },
            { header: 'matched', value: (p) => count(p.matched), min: 7 },
            { header: 'failing', value: (p) => count(p.failing), min: 7 },
            { header: 'waived', value: (p) => count(p.waived), min: 6 },
          ]),
        ];
        const { offset, total } = report.page;
        if (report.failing.length) {
          lines.push(
            '',
            offset || report.failing.length < total
              ? `Falling short (${count(offset + 1)}-${count(offset + report.failing.length)} of ${count(total)}):`
              : 'Falling short:',
          );
          for (const f of report.failing) {
            lines.push(`  ${f.asset} (owner ${f.owners.join(', ') || '—'})`);
            for (const v of f.violations) lines.push(formatViolation(v, '    '));
          }
        }
        const after = offset + report.failing.length;
        if (after < total)
          lines.push(
            `  … and ${count(total - after)} more (--offset ${after} for the next, --limit all for every one)`,
          );
        return lines.join('\n');
      });
      return EXIT.ok;
    }),
  );

  for (const [group, type] of [
    ['approvals', 'change'],
    ['waivers', 'waiver'],
  ] as const) {
    const cmd = program
      .command(group)
      .description(
        group === 'approvals'
          ? 'Changes waiting for approval (require-approval policies)'
          : 'Waivers: requested by a domain, granted by the data office, expiring by themselves',
      );
    const list = cmd
      .command('list')
      .description(`List ${group}`)
      .option(
        '--state <state>',
        type === 'change'
          ? 'open, approved, rejected or superseded'
          : 'requested, active, expired or rejected (default: all)',
        type === 'change' ? 'open' : undefined,
      )
      .option('--ref <ref>', 'only this asset');
    list.action(
      withContext(list, async (ctx) => {
        const o = list.opts() as { state?: string; ref?: string };
        if (type === 'waiver') {
          const waivers = await ctx.governance.waivers({
            ...(o.ref ? { ref: o.ref } : {}),
            ...(o.state ? { state: o.state as WaiverState } : {}),
          });
          printData(waivers, ctx.format, () =>
            waivers.length
              ? formatTable(waivers, [
                  { header: 'waiver', value: (w) => w.ref, flex: 2 },
                  { header: 'policy', value: (w) => w.policy },
                  { header: 'asset', value: (w) => `${w.asset}${w.field ? ` ${w.field}` : ''}` },
                  { header: 'state', value: (w) => w.state, min: 9 },
                  { header: 'expires', value: (w) => w.expires.slice(0, 10), min: 10 },
                ])
              : 'No waivers.',
          );
          return EXIT.ok;
        }
        const rows = await ctx.governance.approvals({
          type,
          ...(o.state ? { state: o.state as ApprovalState } : {}),
          ...(o.ref ? { ref: o.ref } : {}),
        });
        printData(rows, ctx.format, () => approvalsTable(rows));
        return EXIT.ok;
      }),
    );
    for (const [verb, decision] of [
      ['approve', 'approved'],
      ['reject', 'rejected'],
    ] as const) {
      const c = cmd
        .command(verb)
        .description(
          `${verb === 'approve' ? 'Approve' : 'Reject'} by approval id or by the ref of the asset waiting; nobody decides their own request`,
        )
        .argument('<id-or-ref>')
        .option('--reason <text>', verb === 'reject' ? 'why (required)' : 'why');
      c.action(
        withContext(c, async (ctx, id: string) => {
          const o = c.opts() as { reason?: string };
          const row = await ctx.governance.decideApproval(id, decision, ctx.actor, o.reason ?? null, type);
          printData(
            row,
            ctx.format,
            () => `${decision.padEnd(9)} ${row.ref} v${row.version} by ${row.decidedBy}`,
          );
          return EXIT.ok;
        }),
      );
    }
  }
}

/** An option's value as a whole number, 0 or more, or an error naming the option and the value. */
function wholeNumber(option: string, value: string, or = ''): number {
  if (!/^\d+$/.test(value)) throw new InputError(`${option} must be a whole number${or}; got '${value}'`);
  return Number(value);
}
