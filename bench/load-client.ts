/**
 * A small closed-loop HTTP load generator for the load benchmark: `concurrency` workers, each
 * sending its next request as soon as the previous answer is read, over keep-alive connections
 * (node:http, one socket per worker), for a fixed time. Records every latency; bounded in time and
 * in count.
 */
import http from 'node:http';

export interface LoadResult {
  url: string;
  seconds: number;
  requests: number;
  errors: number;
  /** Status codes other than 200, and failures, with counts. */
  problems: Record<string, number>;
  perSecond: number;
  /** Latencies in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

const MAX_SAMPLES = 20_000_000;

export async function runLoad(options: {
  url: string;
  headers?: Record<string, string>;
  concurrency: number;
  seconds: number;
  /** GET unless given; with `bodies`, each request sends the next body in turn (JSON). */
  method?: 'GET' | 'POST';
  bodies?: string[];
}): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const samples = new Float64Array(Math.min(MAX_SAMPLES, Math.max(100_000, options.seconds * 200_000)));
  let count = 0;
  let errors = 0;
  const problems: Record<string, number> = {};
  const problem = (key: string) => {
    errors += 1;
    problems[key] = (problems[key] ?? 0) + 1;
  };
  const bodies = options.bodies?.map((b) => Buffer.from(b));
  let sent = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const body = bodies?.[sent++ % bodies.length];
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: options.method ?? 'GET',
          headers: body
            ? { ...options.headers, 'content-type': 'application/json', 'content-length': body.length }
            : options.headers,
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            if (count < samples.length) samples[count] = performance.now() - started;
            count += 1;
            if (res.statusCode !== 200) problem(String(res.statusCode));
            resolve();
          });
          res.on('error', (error) => {
            problem(error.message);
            resolve();
          });
        },
      );
      req.on('error', (error) => {
        problem(error.message);
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline && count < MAX_SAMPLES) await once();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = samples.slice(0, Math.min(count, samples.length)).sort();
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    url: options.url,
    seconds: elapsed,
    requests: count,
    errors,
    problems,
    perSecond: count / elapsed,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sum / Math.max(1, sorted.length),
  };
}
