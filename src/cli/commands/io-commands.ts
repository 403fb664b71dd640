/** `export` and `import` of the whole catalog, and of one dataset or product as Croissant JSON-LD. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import { exportCroissant, fromCroissant } from '../../ai/croissant.js';
import type { CatalogBackup } from '../../catalog/catalog-api.js';
import { InputError } from '../../model/errors.js';
import { formatOf, type GlobalOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { readManifestFiles } from '../files.js';
import { printData } from '../output.js';
import { formatApply, withContext } from './catalog-commands.js';

function readBackup(path: string): CatalogBackup | undefined {
  if (path === '-') return undefined;
  const head = readFileSync(path, 'utf8').slice(0, 4096);
  if (!/"?kind"?\s*:\s*"?CatalogBackup/.test(head)) return undefined;
  const text = readFileSync(path, 'utf8');
  try {
    return (text.trimStart().startsWith('{') ? JSON.parse(text) : parse(text)) as CatalogBackup;
  } catch (error) {
    throw new InputError(`'${path}' is not a readable backup: ${(error as Error).message}`);
  }
}

export function registerIoCommands(program: Command) {
  const exp = program
    .command('export')
    .description(
      'Write the latest version of every asset as YAML manifests (or a full backup with --with-history), or one dataset or product as Croissant 1.1 JSON-LD (--format croissant REF)',
    )
    .argument('[ref]', 'with --format croissant: the dataset:… or product:… to describe')
    .option('--with-history', 'every version and the audit log (a CatalogBackup document)')
    .option('--kind <kind>', 'only this kind')
    .option('--domain <name>', 'only this domain')
    .option('--format <format>', 'croissant: Croissant 1.1 JSON-LD with the RAI properties of the AI section')
    .option('--base-url <url>', 'with --format croissant: the web UI address the record links to');
  exp.action(
    withContext(exp, async (ctx, ref?: string) => {
      const opts = exp.opts() as {
        withHistory?: boolean;
        kind?: string;
        domain?: string;
        format?: string;
        baseUrl?: string;
      };
      if (opts.format !== undefined && opts.format !== 'croissant')
        throw new InputError(`Unknown export format '${opts.format}'; expected croissant (or -o yaml|json)`);
      if (opts.format === 'croissant') {
        if (!ref)
          throw new InputError('charter export --format croissant needs the REF of a dataset or product');
        const { document, issues } = await exportCroissant(ctx.api, ref, {
          ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
        });
        process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
        // The record is written either way; what Croissant would miss is said on stderr.
        for (const i of issues)
          process.stderr.write(`${i.level === 'error' ? '✗' : '!'} ${i.path}: ${i.message}\n`);
        return EXIT.ok;
      }
      if (ref) throw new InputError(`A REF is only taken with --format croissant (got '${ref}')`);
      const format = ctx.format === 'table' ? 'yaml' : ctx.format;
      if (opts.withHistory) {
        const backup = await ctx.api.exportBackup();
        process.stdout.write(
          format === 'json' ? `${JSON.stringify(backup)}\n` : stringify(backup, { lineWidth: 0 }),
        );
        return EXIT.ok;
      }
      const docs = await ctx.api.exportDocs({
        ...(opts.kind ? { kind: opts.kind } : {}),
        ...(opts.domain ? { domain: opts.domain } : {}),
      });
      if (format === 'json') process.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
      else process.stdout.write(docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));
      return EXIT.ok;
    }),
  );

  const imp = program
    .command('import')
    .description(
      'Import an export (applied as one atomic change), restore a --with-history backup into an empty catalog, or turn Croissant files into draft contracts (--format croissant; nothing is applied)',
    )
    .argument('<file...>', 'export or backup files, or - for stdin')
    .option(
      '--format <format>',
      'croissant: write draft ODCS contracts (with x-charter-ai) from Croissant JSON-LD',
    )
    .option(
      '--out <dir>',
      'with --format croissant: write one NAME.odcs.yaml per file here instead of stdout',
    )
    .option('--domain <name>', 'with --format croissant: the domain of the drafts');
  const restore = withContext(imp, async (ctx, paths: string[]) => {
    const backups = paths.map(readBackup);
    if (backups.some(Boolean)) {
      if (paths.length !== 1) throw new InputError('Restore one backup at a time');
      const result = await ctx.api.importBackup(backups[0]!);
      printData(
        result,
        ctx.format,
        () => `Restored ${result.versions} versions and ${result.audit} audit records.`,
      );
      return EXIT.ok;
    }
    const result = await ctx.applyFiles(readManifestFiles(paths), {});
    printData(result, ctx.format, () => formatApply(result));
    return result.applied ? EXIT.ok : result.summary.invalid ? EXIT.input : EXIT.no;
  });
  imp.action(async (paths: string[]) => {
    const opts = imp.opts() as { format?: string; out?: string; domain?: string };
    if (opts.format === undefined) return restore(paths);
    if (opts.format !== 'croissant')
      throw new InputError(`Unknown import format '${opts.format}'; expected croissant`);
    const format = formatOf(imp.optsWithGlobals() as GlobalOptions);
    const drafts = paths.map((path) => {
      const text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new InputError(`'${path}' is not JSON-LD: ${(error as Error).message}`);
      }
      return { path, ...fromCroissant(json, opts.domain ? { domain: opts.domain } : {}) };
    });
    for (const d of drafts) for (const note of d.notes) process.stderr.write(`! ${d.path}: ${note}\n`);
    if (opts.out) {
      mkdirSync(opts.out, { recursive: true });
      const written = drafts.map((d) => {
        const file = join(opts.out!, `${String(d.contract.name)}.odcs.yaml`);
        writeFileSync(file, stringify(d.contract, { lineWidth: 0 }));
        return { source: d.path, file, notes: d.notes };
      });
      printData(written, format, () =>
        written.map((w) => `draft     ${w.file} (from ${w.source}; not applied)`).join('\n'),
      );
    } else if (format === 'json') {
      process.stdout.write(
        `${JSON.stringify(
          drafts.map((d) => d.contract),
          null,
          2,
        )}\n`,
      );
    } else {
      process.stdout.write(drafts.map((d) => stringify(d.contract, { lineWidth: 0 })).join('---\n'));
    }
    process.exitCode = EXIT.ok;
  });
}
