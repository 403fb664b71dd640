/**
 * How the MCP server is reached: streamable HTTP inside `charter serve` (stateless: each request
 * runs on a server of its own while it lasts and carries the caller it authenticated as, so any
 * number of server instances can answer), stdio for `charter mcp`, and a stdio bridge to a remote
 * server's HTTP endpoint.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_RESOURCE_TEMPLATES, MCP_TOOLS } from './mcp-names.js';
import { CALLER_KEY, createMcpServer, type McpCaller, type McpServices } from './mcp-server.js';

/** Answers one HTTP request to the MCP endpoint for a caller the server has already authenticated. */
export type McpHttpHandler = ((
  caller: McpCaller,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
) => Promise<void>) & { offers: { tools: readonly string[]; resources: readonly string[] } };

/** Idle servers kept for the next requests (building one costs about a millisecond). */
const POOL_SIZE = 16;

export function mcpHttpHandler(services: McpServices): McpHttpHandler {
  // Each request gets a fresh transport and a server of its own while it runs (a server answers
  // one transport at a time); the caller travels with the request, so servers are reused.
  const idle: McpServer[] = [];
  const handler = async (caller: McpCaller, req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const server = idle.pop() ?? createMcpServer(services);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void server.close().then(() => {
        if (idle.length < POOL_SIZE) idle.push(server);
      });
    });
    await server.connect(transport);
    const authed = req as IncomingMessage & { auth?: AuthInfo };
    authed.auth = { token: '', clientId: caller.actor, scopes: [], extra: { [CALLER_KEY]: caller } };
    await transport.handleRequest(authed, res, body);
  };
  return Object.assign(handler, { offers: { tools: MCP_TOOLS, resources: MCP_RESOURCE_TEMPLATES } });
}

/**
 * Ends a stdio session when stdin ends, but only after every request read so far has been
 * answered (a client may write its requests and close stdin at once).
 */
function closeWhenAnswered(transport: StdioServerTransport): Promise<void> {
  const pending = new Set<string | number>();
  let ended = false;
  const closeIfIdle = () => {
    if (ended && !pending.size) void transport.close();
  };
  const receive = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message)) pending.add(message.id);
    receive?.(message);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    await send(message);
    if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined) {
      pending.delete(message.id);
      closeIfIdle();
    }
  };
  return new Promise<void>((resolve) => {
    const onclose = transport.onclose;
    transport.onclose = () => {
      onclose?.();
      resolve();
    };
    process.stdin.once('end', () => {
      ended = true;
      closeIfIdle();
    });
  });
}

/** Serves one caller over stdin/stdout until stdin ends; resolves when the session is over. */
export async function serveStdio(services: McpServices, caller: McpCaller): Promise<void> {
  const server = createMcpServer(services, caller);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await closeWhenAnswered(transport);
  await server.close();
}

/**
 * Relays stdin/stdout to a remote Charter's MCP endpoint (`--server`): each message goes to
 * `<server>/mcp` with the bearer token, each answer comes back on stdout. A request the remote
 * refuses (401, 403, unreachable) is answered with a JSON-RPC error naming why.
 */
export async function bridgeStdio(server: string, token: string | undefined): Promise<void> {
  const url = new URL('/mcp', server.endsWith('/') ? server : `${server}/`);
  const remote = new StreamableHTTPClientTransport(url, {
    ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
  });
  const local = new StdioServerTransport();
  remote.onmessage = (message) => void local.send(message);
  remote.onerror = (error) => process.stderr.write(`charter mcp: ${error.message}\n`);
  local.onmessage = (message: JSONRPCMessage) => {
    remote.send(message).catch((error: Error) => {
      process.stderr.write(`charter mcp: ${url.href}: ${error.message}\n`);
      if (isJSONRPCRequest(message))
        void local.send({
          jsonrpc: '2.0',
          id: message.id,
          error: {
            code: -32000,
            message: `The Charter server at ${url.origin} refused or failed: ${error.message}`,
          },
        });
    });
  };
  await remote.start();
  await local.start();
  await closeWhenAnswered(local);
  await remote.close();
}
