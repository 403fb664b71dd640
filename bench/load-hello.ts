/**
 * The anchor of the load benchmark: a bare Fastify hello-world on loopback, no logging, no plugins.
 * Prints `listening <url>` once it listens; the benchmark measures it with the same client code.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
