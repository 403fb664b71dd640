/** `apply`, `get`, `describe`, `history`, `diff`, `delete`, `search`. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { ApplyResult, DocumentResult } from '../../catalog/apply.js';
import type { AssetListItem, Description } from '../../catalog/catalog-api.js';
import { InputError } from '../../model/errors.js';
import { kindListNames, resolveKindName } from '../../model/kinds/index.js';
import { formatRef } from '../../model/ref.js';
import { type CliContext, connect, type GlobalOptions, principalOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { readManifestFiles } from '../files.js';
import { count, formatTable, minuteOf, printData, text, WHOLE, wrap } from '../output.js';
import { formatViolation } from './policy-commands.js';

type Run = (ctx: CliContext, ...args: any[]) => Promise<number | undefined>;

/** Wraps a command body: connects, runs, closes, and sets the exit code. */
export function withContext(command: Command, run: Run) {
  return async (...args: unknown[]) => {
    const ctx = await connect(command.optsWithGlobals() as GlobalOptions);
    try {
      const code = await run(ctx, ...args);
      process.exitCode = code ?? EXIT.ok;
    } finally {
      await ctx.close();
    }
  };
}

/** `file.yaml#2 (line 14)`: the document, and the line of the problem (else of the document). */
function where(r: DocumentResult, line = r.line): string {
  return `${r.source}#${r.index + 1}${line !== undefined ? ` (line ${line})` : ''}`;
}

/** Beyond this many, results with nothing to say (stored, no warnings) are counted, not listed. */
const QUIET_RESULTS_LISTED = 200;

/** Nothing to say about it: no issue, warning or violation. */
const remarkless = (r: DocumentResult) => !r.issues.length && !r.warnings.length && !r.violations?.length;
const STORED = new Set(['created', 'updated', 'unchanged']);

export function formatApply(result: ApplyResult): string {
  const lines: string[] = [];
  const quiet = (r: DocumentResult) => remarkless(r) && STORED.has(r.status);
  const quietCount = result.results.filter(quiet).length;
  // A large apply would print a line per document; what needs reading would scroll away.
  const listQuiet = quietCount <= QUIET_RESULTS_LISTED;
  for (const r of result.results) {
    // A skipped document was valid but not stored because of another: the summary counts them, and
    // listing thousands of them would bury the one line that says what is wrong.
    if (r.status === 'skipped' && remarkless(r)) continue;
    if (!listQuiet && quiet(r)) continue;
    const version =
      r.version !== undefined && ['created', 'updated', 'unchanged', 'pending'].includes(r.status)
        ? ` (v${r.version})`
        : '';
    lines.push(`${r.status.padEnd(9)} ${r.ref ?? where(r)}${version}`);
    for (const issue of r.issues)
      lines.push(
        wrap(`${where(r, issue.line)}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`, '  ✗ '),
      );
    for (const w of r.warnings)
      lines.push(
        wrap(
          `${w.line !== undefined ? `line ${w.line}: ` : ''}${w.path ? `${w.path}: ` : ''}${w.message}`,
          '  ! ',
        ),
      );
    for (const v of r.violations ?? []) {
      lines.push(formatViolation(v, `  ${v.waivedBy ? '·' : v.enforcement === 'deny' ? '✗' : '!'} `));
    }
  }
  const s = result.summary;
  const counts = Object.entries(s)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${count(n)} ${k}`)
    .join(', ');
  const summary =
    !result.applied && s.invalid
      ? `Nothing was stored: ${count(s.invalid)} document${s.invalid === 1 ? ' is' : 's are'} invalid. (${counts})`
      : !result.applied && s.denied
        ? `Nothing was stored: ${count(s.denied)} document${s.denied === 1 ? ' was' : 's were'} denied by policy. (${counts})`
        : `${result.dryRun ? 'Dry run, nothing stored: ' : ''}${counts || 'no documents'}`;
  if (!listQuiet) {
    if (lines.length) lines.push('');
    lines.push(
      wrap(`${count(quietCount)} documents without remarks are not listed (-o json lists every result).`),
    );
  }
  lines.push('', wrap(summary));
  return lines.join('\n');
}

function describeText(d: Description): string {
  const a = d.asset;
  const people = (list: Description['owners']) =>
    list.length
      ? list
          .map(
            (p) =>
              `${p.ref}${p.title !== p.ref ? ` (${p.title})` : ''}${p.source !== 'declared' ? ` — inherited from ${p.source}` : ''}`,
          )
          .join('\n           ')
      : '—';
  const lines = [
    `Ref:       ${a.ref}`,
    `Kind:      ${a.kind}`,
    `Title:     ${a.title}`,
    ...(a.domain
      ? [wrap(d.domainPath.join(' ⊂ '), 'Domain:    ')]
      : a.kind === 'Domain' && d.domainPath.length > 1
        ? [`Parents:   ${d.domainPath.slice(1).join(' ⊂ ')}`]
        : []),
    wrap(`${a.version} (updated ${a.updatedAt} by ${a.updatedBy})`, 'Version:   '),
    `Owners:    ${people(d.owners)}`,
    `Stewards:  ${people(d.stewards)}`,
  ];
  for (const [role, list] of Object.entries(d.roles)) lines.push(`${`${role}:`.padEnd(10)} ${people(list)}`);
  if (a.description) lines.push('', 'Description:', wrap(a.description, '  '));
  if (d.fields.length) {
    lines.push('', `Fields (${d.fields.length}):`);
    // With column lineage: the classification each field inherits, beside the declared one.
    const lineage = new Map((d.classification ?? []).map((c) => [c.path, c]));
    const inherited = (path: string) => {
      const c = lineage.get(path);
      if (!c?.inherited) return c?.protectedBy.length ? `— (${c.protectedBy[0]!.protection})` : '';
      return `${c.inherited}${c.conflict ? ' ✗' : c.declaredProtection ? ` (${c.declaredProtection})` : ''}`;
    };
    const table = formatTable(
      d.fields,
      [
        { header: 'field', value: (f) => f.path, flex: 2 },
        { header: 'type', value: (f) => f.logicalType ?? f.physicalType ?? '', min: 6 },
        { header: 'class.', value: (f) => f.classification ?? '', min: 6 },
        ...(d.classification?.some((c) => c.inherited || c.protectedBy.length)
          ? [{ header: 'inherits', value: (f: (typeof d.fields)[number]) => inherited(f.path), min: 8 }]
          : []),
        { header: 'description', value: (f) => f.description ?? '', flex: 3 },
      ],
      { indent: 2 },
    );
    lines.push(table);
  }
  const conflicts = (d.classification ?? []).filter((c) => c.conflict);
  if (conflicts.length) {
    lines.push('', 'Classification conflicts (declared below what column lineage carries in):');
    for (const c of conflicts)
      lines.push(
        wrap(
          `${c.path}: declared ${c.declared ?? 'nothing'}, inherits ${c.inherited} from ${c.from.join(', ')}`,
          '  ✗ ',
        ),
      );
  }
  if (d.glossary.length) {
    lines.push('', 'Glossary:');
    for (const g of d.glossary) lines.push(wrap(`${g.ref}: ${g.definition}`, '  ', '    '));
  }
  const rels = d.relations.filter(
    (r) => !['ownedBy', 'stewardedBy', 'usesTerm', 'inDomain', 'hasRole'].includes(r.type),
  );
  if (rels.length) {
    lines.push('', 'Relations:');
    for (const r of rels.slice(0, 50))
      lines.push(wrap(`${r.ref}${r.role ? ` (${r.role})` : ''}`, `  ${r.type.padEnd(12)} `));
    if (rels.length > 50) lines.push(`  … and ${rels.length - 50} more (use -o json)`);
  }
  if (d.inputsGate?.length) {
    // A model's or application's inputs, as the AI-use gate answers for each link's role now.
    lines.push('', 'AI-use gate (each input, for its role, now):');
    lines.push(
      formatTable(
        d.inputsGate,
        [
          { header: 'dataset', value: (g) => g.dataset, flex: 2 },
          { header: 'use', value: (g) => g.use, min: 8 },
          { header: 'answer', value: (g) => g.decision, min: 6 },
          {
            header: 'why',
            value: (g) =>
              g.decision === 'restricted' ? 'you may not read it' : g.reasons.map((r) => r.check).join(', '),
            flex: 2,
          },
          {
            header: 'since',
            value: (g) =>
              g.since
                ? `${minuteOf(g.since.time)} ${g.since.actor}${g.since.qualityRun ? ' (quality run)' : g.since.datasetVersion ? ` (dataset v${g.since.datasetVersion})` : ''}`
                : '',
            flex: 1,
          },
        ],
        { indent: 2 },
      ),
    );
    const refused = d.inputsGate.filter((g) => g.decision === 'deny');
    if (refused.length)
      lines.push(
        wrap(
          `${refused.length} refused: \`charter ai decide --for ${a.ref}\` asks for each and shows the reasons and fixes`,
          '  ',
        ),
      );
  }
  lines.push('', `Versions: ${d.versions.map((v) => `v${v.version} ${v.action}`).join(', ')}`);
  return lines.join('\n');
}

export function registerCatalogCommands(program: Command) {
  const apply = program
    .command('apply')
    .description('Apply manifests (YAML or JSON, files or folders) as one atomic change')
    .requiredOption('-f, --file <path...>', 'manifest file, folder (recursive) or - for stdin; repeatable')
    .option('--dry-run', 'validate and report what would change, storing nothing')
    .option('--domain <name>', 'domain for ODCS/ODPS documents that name none')
    .addHelpText(
      'after',
      '\nExit codes: 0 applied; 2 a document is invalid (nothing stored); 3 the store is unreachable.',
    );
  apply.action(
    withContext(apply, async (ctx) => {
      const opts = apply.opts() as { file: string[]; dryRun?: boolean; domain?: string };
      const files = readManifestFiles(opts.file);
      const result = await ctx.applyFiles(files, {
        ...(opts.dryRun ? { dryRun: true } : {}),
        ...(opts.domain ? { domain: opts.domain } : {}),
      });
      printData(result, ctx.format, () => formatApply(result));
      return result.applied ? EXIT.ok : result.summary.invalid ? EXIT.input : EXIT.no;
    }),
  );

  const get = program
    .command('get')
    .description(
      'List assets of a kind, or show one (`get datasets`, `get dataset payments/transactions -o yaml`)',
    )
    .argument('<kind>', kindListNames)
    .argument('[name]', 'NAME or DOMAIN/NAME')
    .option('--domain <name>', 'only assets of this domain')
    .option(
      '--owner <ref>',
      'only assets this user or team owns or stewards (declared or inherited); me: you',
    )
    .option('--limit <n>', 'at most this many rows', '500');
  get.action(
    withContext(get, async (ctx, kindName: string, name?: string) => {
      const def = resolveKindName(kindName);
      if (!def) throw new InputError(`'${kindName}' is not a kind; expected one of ${kindListNames}`);
      const opts = get.opts() as { domain?: string; owner?: string; limit: string };
      opts.owner = await principalOf(opts.owner, get.optsWithGlobals(), '--owner');
      if (name) {
        let ref: string;
        if (name.includes('/')) {
          const [domain, n] = name.split('/', 2) as [string, string];
          ref = formatRef({ kind: def.refKind, domain, name: n });
        } else if (def.domainScoped === 'never') ref = formatRef({ kind: def.refKind, name });
        else if (opts.domain) ref = formatRef({ kind: def.refKind, domain: opts.domain, name });
        else {
          const matches = await ctx.api.list(kindName, { name, limit: 10 });
          if (matches.length > 1)
            throw new InputError(
              `'${name}' names several: ${matches.map((m) => m.ref).join(', ')}; give DOMAIN/NAME`,
            );
          ref = matches[0]?.ref ?? formatRef({ kind: def.refKind, name });
        }
        const { asset, doc } = await ctx.api.get(ref);
        if (ctx.format === 'table') process.stdout.write(stringify(doc, { lineWidth: 0 }));
        else printData(ctx.format === 'json' ? { asset, doc } : doc, ctx.format, () => '');
        return EXIT.ok;
      }
      const rows = await ctx.api.list(kindName, {
        ...(opts.domain ? { domain: opts.domain } : {}),
        ...(opts.owner ? { owner: opts.owner } : {}),
        limit: Number(opts.limit),
      });
      printData(rows, ctx.format, () =>
        rows.length
          ? formatTable(rows, [
              { header: 'ref', value: (r) => r.ref, min: WHOLE },
              // On a narrow terminal the date goes first, then the title: the ref and the people stay.
              { header: 'title', value: (r) => r.title, flex: 1, drop: 2 },
              // Who is accountable, where the kind has anyone (users, charters … list no one).
              ...(rows.some((r) => r.owners.length || r.stewards.length)
                ? [
                    { header: 'owners', value: (r: AssetListItem) => r.owners, flex: 1 },
                    { header: 'stewards', value: (r: AssetListItem) => r.stewards, flex: 1 },
                  ]
                : []),
              { header: 'ver', value: (r) => r.version, min: 3 },
              { header: 'updated', value: (r) => r.updatedAt.slice(0, 10), min: 10, drop: 1 },
            ])
          : `No ${def.kind} assets${opts.domain ? ` in domain ${opts.domain}` : ''}${opts.owner ? ` that ${opts.owner} owns or stewards` : ''}.`,
      );
      return EXIT.ok;
    }),
  );

  const describe = program
    .command('describe')
    .description('Everything about an asset')
    .argument('<ref>', 'e.g. dataset:payments/transactions');
  describe.action(
    withContext(describe, async (ctx, ref: string) => {
      const d = await ctx.api.describe(ref);
      printData(d, ctx.format, () => describeText(d));
      return EXIT.ok;
    }),
  );

  const history = program.command('history').description('Every version of an asset').argument('<ref>');
  history.action(
    withContext(history, async (ctx, ref: string) => {
      const versions = await ctx.api.history(ref);
      printData(versions, ctx.format, () =>
        formatTable(versions, [
          { header: 'version', value: (v) => v.version, min: 7 },
          { header: 'action', value: (v) => v.action, min: 6 },
          { header: 'state', value: (v) => v.state, min: 5 },
          { header: 'time', value: (v) => v.createdAt, min: 20 },
          { header: 'actor', value: (v) => v.actor },
          { header: 'digest', value: (v) => v.digest.slice(0, 12), min: 12 },
        ]),
      );
      return EXIT.ok;
    }),
  );

  const diff = program
    .command('diff')
    .description('Field-level differences between two versions (default: previous and latest)')
    .argument('<ref>')
    .argument('[v1]', 'from version')
    .argument('[v2]', 'to version');
  diff.action(
    withContext(diff, async (ctx, ref: string, v1?: string, v2?: string) => {
      const num = (v?: string) => {
        if (v === undefined) return undefined;
        const n = Number(v.replace(/^v/, ''));
        if (!Number.isInteger(n) || n < 1) throw new InputError(`'${v}' is not a version number`);
        return n;
      };
      const d = await ctx.api.diff(ref, num(v1), num(v2));
      printData(d, ctx.format, () => {
        const lines = [`${d.ref}: v${d.from} → v${d.to}`];
        for (const f of d.fields) {
          const sign = f.change === 'added' ? '+' : f.change === 'removed' ? '-' : '~';
          const attrs = f.attributes
            ? ` ${Object.entries(f.attributes)
                .map(([k, [a, b]]) => `${k}: ${text(a) || '∅'} → ${text(b) || '∅'}`)
                .join('; ')}`
            : '';
          lines.push(`  ${sign} field ${f.field}${attrs}`);
        }
        for (const c of d.changes) {
          const sign = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
          const val = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : text(v)).slice(0, 60);
          lines.push(
            `  ${sign} ${c.path}${c.change === 'changed' ? `: ${val(c.before)} → ${val(c.after)}` : ''}`,
          );
        }
        if (!d.fields.length && !d.changes.length) lines.push('  (no differences)');
        return lines.join('\n');
      });
      return EXIT.ok;
    }),
  );

  const del = program
    .command('delete')
    .description('Delete an asset (a tombstone version; history stays)')
    .argument('<ref>');
  del.action(
    withContext(del, async (ctx, ref: string) => {
      const r = await ctx.api.remove(ref);
      printData(r, ctx.format, () => `deleted   ${r.ref} (v${r.version})`);
      return EXIT.ok;
    }),
  );

  const search = program
    .command('search')
    .description('Ranked full-text search over names, descriptions, fields, tags and glossary terms')
    .argument('<query...>')
    .option('--kind <kind>', 'only this kind')
    .option('--domain <name>', 'only this domain')
    .option(
      '--owner <ref>',
      'only assets this user or team owns or stewards (declared or inherited); me: you',
    )
    .option('--limit <n>', 'at most this many hits', '20');
  search.action(
    withContext(search, async (ctx, words: string[]) => {
      const opts = search.opts() as { kind?: string; domain?: string; owner?: string; limit: string };
      opts.owner = await principalOf(opts.owner, search.optsWithGlobals(), '--owner');
      const hits = await ctx.api.search(words.join(' '), {
        ...(opts.kind ? { kind: opts.kind } : {}),
        ...(opts.domain ? { domain: opts.domain } : {}),
        ...(opts.owner ? { owner: opts.owner } : {}),
        limit: Number(opts.limit),
      });
      printData(hits, ctx.format, () =>
        hits.length
          ? formatTable(hits, [
              { header: 'ref', value: (h) => h.ref, flex: 1 },
              { header: 'matched', value: (h) => h.match, flex: 2 },
            ])
          : 'No matches.',
      );
      return EXIT.ok;
    }),
  );
}
