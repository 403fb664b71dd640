/** `export` and `import` of the whole catalog. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import type { CatalogBackup } from '../../catalog/catalog-api.js';
import { InputError } from '../../model/errors.js';
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
      'Write the latest version of every asset as YAML manifests (or a full backup with --with-history)',
    )
    .option('--with-history', 'every version and the audit log (a CatalogBackup document)')
    .option('--kind <kind>', 'only this kind')
    .option('--domain <name>', 'only this domain');
  exp.action(
    withContext(exp, async (ctx) => {
      const opts = exp.opts() as { withHistory?: boolean; kind?: string; domain?: string };
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
      'Import an export (applied as one atomic change) or restore a --with-history backup into an empty catalog',
    )
    .argument('<file...>', 'export or backup files, or - for stdin');
  imp.action(
    withContext(imp, async (ctx, paths: string[]) => {
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
    }),
  );
}
