/**
 * The tools and resource templates `createMcpServer` registers, as the HTTP endpoint's OpenAPI
 * description and `charter mcp --help` name them (test/mcp.test.ts compares both lists with what a
 * client lists). Kept apart from the server so that naming them loads no MCP SDK.
 */
export const MCP_TOOLS = [
  'search_catalog',
  'get_context',
  'decide_ai_use',
  'trace',
  'impact',
  'record_outcome',
  'list_domains',
  'list_ai_systems',
] as const;

export const MCP_RESOURCE_TEMPLATES = [
  'charter://domain/{name}',
  'charter://product/{domain}/{name}',
  'charter://dataset/{domain}/{name}',
] as const;
