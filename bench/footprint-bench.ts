/**
 * Footprint: the real binary (`node bin/charter.js serve`) on a store holding the demo
 * organisation: time from spawn to the first 200 on /healthz, and resident memory after start
 * and after a run of API requests. The anchor is a bare `node -e` http server measured the same way.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { figuresTable, type Row, runLine, type Section, table } from './report.js';
import { fmt, fmtMs, fmtRatio, freshDir, log, type Machine, repoRoot, summarize } from './support.js';

export const TARGET_RSS_MB = 150;
export const TARGET_START_MS = 2000;

const bin = join(repoRoot, 'bin', 'charter.js');

export interface FootprintConfig {
  requests: number;
  starts: number;
  build: boolean;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** VmRSS and VmHWM of a process, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function run(args: string[], what: string): string {
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  return `${r.stderr}${r.stdout}`.trim();
}

interface Sample {
  startMs: number;
  rssStart: number;
  rssAfter: number;
  peak: number;
  latencies: number[];
}

/** Spawns a server, waits for its first 200, sends the requests, reads its memory, stops it. */
async function measure(
  args: string[],
  port: number,
  paths: string[],
  requests: number,
  headers: Record<string, string> = {},
): Promise<Sample> {
  const start = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const pid = child.pid!;
  try {
    let startMs = Number.NaN;
    while (!exited && performance.now() - start < 30_000) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}${paths[0]}`);
        await response.arrayBuffer();
        if (response.status === 200) {
          startMs = performance.now() - start;
          break;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(10);
    }
    if (!Number.isFinite(startMs))
      throw new Error(`the server did not answer 200 within 30 s: ${stderr.slice(-2000)}`);
    const rssStart = memoryOf(pid).rss;
    const latencies: number[] = [];
    for (const path of paths.slice(1)) {
      for (let i = 0; i < requests; i++) {
        const t = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
        await response.arrayBuffer();
        latencies.push(performance.now() - t);
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      }
    }
    const after = memoryOf(pid);
    return { startMs, rssStart, rssAfter: after.rss, peak: after.peak, latencies };
  } finally {
    if (!exited) {
      process.kill(pid, 'SIGTERM');
      const deadline = performance.now() + 5000;
      while (!exited && performance.now() < deadline) await sleep(10);
      if (!exited) process.kill(pid, 'SIGKILL');
    }
  }
}

const median = (values: number[]) => summarize(values).p50;

export async function runFootprintBench(
  config: FootprintConfig,
  machine: Machine,
  command: string,
): Promise<Section> {
  const loadAtStart = loadavg()[0] ?? 0;
  log('Footprint: the real binary against the demo organisation');
  const notes: string[] = [];
  if (config.build) {
    log('  npm run build');
    const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) {
      if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js')))
        throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
      notes.push(
        '`npm run build` reported type errors (work in progress elsewhere); dist/ was emitted anyway and used.',
      );
    }
  }
  const home = freshDir('footprint');
  let loaded = 'the demo organisation (`charter demo --no-serve`, examples/org)';
  let fallback: string | undefined;
  if (existsSync(join(repoRoot, 'examples', 'org'))) {
    try {
      run([bin, 'demo', '--no-serve', '--home', home], 'charter demo --no-serve');
    } catch (error) {
      const reason =
        (error as Error).message
          .split('\n')
          .find((l) => l.includes('✗'))
          ?.trim() ?? (error as Error).message.split('\n')[0];
      fallback = `The demo organisation under examples/org exists but did not apply at the time of this run (${reason}).`;
    }
  } else {
    fallback = 'The demo organisation under examples/org does not exist yet.';
  }
  if (fallback) {
    loaded = '`test/fixtures/small-org.yaml` (not the demo organisation; see the note below)';
    freshDir('footprint');
    run(
      [bin, 'apply', '-f', join(repoRoot, 'test', 'fixtures', 'small-org.yaml'), '--home', home],
      'charter apply',
    );
    notes.push(`${fallback} The store holds test/fixtures/small-org.yaml instead.`);
    log(`  NOTICE: ${fallback} Using test/fixtures/small-org.yaml.`);
  }

  // The server requires sign-in for everything but /healthz: a token for a member of the data office.
  const reader = fallback ? 'user:alice' : 'user:ada';
  const token = /chtr_\S+/.exec(
    run([bin, 'token', 'create', '--for', reader, '--home', home], 'charter token create'),
  )?.[0];
  if (!token) throw new Error('charter token create printed no token');
  const auth = { authorization: `Bearer ${token}` };
  const charter: Sample[] = [];
  const bare: Sample[] = [];
  let assets = 0;
  for (let i = 0; i < config.starts; i++) {
    let port = await freePort();
    charter.push(
      await measure(
        [bin, 'serve', '--port', String(port), '--home', home],
        port,
        ['/healthz', '/api/v1/search?q=customer', '/api/v1/assets?kind=datasets'],
        config.requests,
        auth,
      ),
    );
    if (i === 0) {
      port = await freePort();
      // One more start to count what the store holds (not timed).
      const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--home', home], {
        cwd: repoRoot,
        stdio: 'ignore',
      });
      try {
        for (let k = 0; k < 3000 && !assets; k++) {
          try {
            const stats = (await (
              await fetch(`http://127.0.0.1:${port}/api/v1/stats`, { headers: auth })
            ).json()) as {
              counts: { count: number }[];
            };
            assets = stats.counts.reduce((s, c) => s + c.count, 0);
          } catch {
            await sleep(10);
          }
        }
      } finally {
        process.kill(child.pid!, 'SIGTERM');
      }
    }
    port = await freePort();
    const script = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{"status":"ok"}'); }).listen(${port}, '127.0.0.1')`;
    bare.push(await measure(['-e', script], port, ['/healthz', '/a', '/b'], config.requests));
    log(
      `  start ${i + 1}: Charter ${fmtMs(charter[i]!.startMs)}, ${fmt(charter[i]!.rssAfter)} MB; bare node ${fmtMs(bare[i]!.startMs)}, ${fmt(bare[i]!.rssAfter)} MB`,
    );
  }

  const pick = (samples: Sample[], key: 'startMs' | 'rssStart' | 'rssAfter' | 'peak') =>
    median(samples.map((s) => s[key]));
  const c = {
    start: pick(charter, 'startMs'),
    rssStart: pick(charter, 'rssStart'),
    rssAfter: pick(charter, 'rssAfter'),
    peak: pick(charter, 'peak'),
  };
  const b = {
    start: pick(bare, 'startMs'),
    rssStart: pick(bare, 'rssStart'),
    rssAfter: pick(bare, 'rssAfter'),
    peak: pick(bare, 'peak'),
  };
  const total = config.requests * 2;
  const rows: Row[] = [
    {
      figure: 'Spawn to first 200 on /healthz',
      measured: fmtMs(c.start),
      target: `≤ ${fmtMs(TARGET_START_MS)}`,
      anchor: `bare node http: ${fmtMs(b.start)}`,
      ratio: fmtRatio(c.start / b.start),
      pass: c.start <= TARGET_START_MS,
    },
    {
      figure: 'RSS after start',
      measured: `${fmt(c.rssStart, 1)} MB`,
      target: `≤ ${TARGET_RSS_MB} MB`,
      anchor: `${fmt(b.rssStart, 1)} MB`,
      ratio: fmtRatio(c.rssStart / b.rssStart),
      pass: c.rssStart <= TARGET_RSS_MB,
    },
    {
      figure: `RSS after ${fmt(total)} requests`,
      measured: `${fmt(c.rssAfter, 1)} MB`,
      target: `≤ ${TARGET_RSS_MB} MB`,
      anchor: `${fmt(b.rssAfter, 1)} MB`,
      ratio: fmtRatio(c.rssAfter / b.rssAfter),
      pass: c.rssAfter <= TARGET_RSS_MB,
    },
    {
      figure: 'Peak RSS (VmHWM)',
      measured: `${fmt(c.peak, 1)} MB`,
      target: `≤ ${TARGET_RSS_MB} MB`,
      anchor: `${fmt(b.peak, 1)} MB`,
      ratio: fmtRatio(c.peak / b.peak),
      pass: c.peak <= TARGET_RSS_MB,
    },
  ];
  const latency = summarize(charter.flatMap((s) => s.latencies));
  const perStart = charter.map((s, i) => [
    String(i + 1),
    fmtMs(s.startMs),
    `${fmt(s.rssStart, 1)} MB`,
    `${fmt(s.rssAfter, 1)} MB`,
    fmtMs(bare[i]!.startMs),
    `${fmt(bare[i]!.rssAfter, 1)} MB`,
  ]);

  return {
    id: 'footprint',
    markdown: `## Footprint

${runLine(command, machine, loadAtStart)}

\`node bin/charter.js serve --port <free port> --home <dir>\` (the real binary, running dist/ after \`npm run build\`)
on a SQLite store loaded with ${loaded}: ${fmt(assets)} live assets. The clock starts at spawn;
/healthz is polled every 10 ms until it answers 200. Memory is VmRSS from /proc/<pid>/status right after that, and
again after ${fmt(config.requests)} requests to \`/api/v1/search?q=customer\` followed by ${fmt(config.requests)} to
\`/api/v1/assets?kind=datasets\` (one at a time, request logging on as \`serve\` has it). The anchor is a bare
\`node -e\` http server answering a small JSON body, started and measured the same way. Figures are the median of
${config.starts} starts.
${notes.length ? `\n${notes.map((n) => `- ${n}`).join('\n')}\n` : ''}
${figuresTable(rows)}

Request latency over those requests: p50 ${fmtMs(latency.p50)}, p95 ${fmtMs(latency.p95)}, p99 ${fmtMs(latency.p99)}.

${table(['Start', 'Charter to first 200', 'Charter RSS after start', 'Charter RSS after requests', 'bare node to first 200', 'bare node RSS after requests'], perStart)}
`,
  };
}
