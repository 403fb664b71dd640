/** `audit log [REF]` and `audit verify`. */
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { formatTable, printData } from '../output.js';
import { withContext } from './catalog-commands.js';

export function registerAuditCommands(program: Command) {
  const audit = program.command('audit').description('The tamper-evident audit log');
  const log = audit
    .command('log')
    .description('Audit records, oldest first')
    .argument('[ref]', 'only records about this asset')
    .option('--after <seq>', 'only records after this sequence number')
    .option('--limit <n>', 'at most this many records', '100');
  log.action(
    withContext(log, async (ctx, ref?: string) => {
      const opts = log.opts() as { after?: string; limit: string };
      const records = await ctx.api.auditLog({
        ...(ref ? { ref } : {}),
        ...(opts.after ? { afterSeq: Number(opts.after) } : {}),
        limit: Number(opts.limit),
      });
      printData(records, ctx.format, () =>
        records.length
          ? formatTable(records, [
              { header: 'seq', value: (r) => r.seq, min: 3 },
              { header: 'time', value: (r) => r.time.slice(0, 19).replace('T', ' '), min: 19 },
              { header: 'actor', value: (r) => r.actor },
              { header: 'action', value: (r) => r.action, min: 6 },
              { header: 'ref', value: (r) => `${r.ref}${r.version ? ` v${r.version}` : ''}`, flex: 2 },
            ])
          : 'No audit records.',
      );
      return EXIT.ok;
    }),
  );
  const verify = audit
    .command('verify')
    .description(
      'Verify the hash chain and every stored version against it; exit 1 naming the first broken record or version if any was changed, removed or reordered',
    );
  verify.action(
    withContext(verify, async (ctx) => {
      const result = await ctx.api.auditVerify();
      printData(result, ctx.format, () =>
        result.intact
          ? `Audit log intact: ${result.records} records${result.versions !== undefined ? ` and ${result.versions} stored versions` : ''} verified.`
          : `Audit log BROKEN ${result.brokenVersion ? `at ${result.brokenVersion}` : `at record ${result.brokenAt}`}: ${result.reason}.`,
      );
      return result.intact ? EXIT.ok : EXIT.no;
    }),
  );
}
