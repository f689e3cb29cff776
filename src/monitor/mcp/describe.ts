import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';

/** One content block as text the rules can read; binary blocks are named, never inlined. */
function blockText(b: ContentBlock): string {
  switch (b.type) {
    case 'text':
      return b.text;
    case 'image':
    case 'audio':
      return `[${b.type} ${b.mimeType}]`;
    case 'resource_link':
      return `[resource ${b.uri}]`;
    case 'resource':
      return 'text' in b.resource && typeof b.resource.text === 'string' ? b.resource.text : `[resource ${b.resource.uri}]`;
    default:
      return `[${(b as { type?: string }).type ?? 'content'}]`;
  }
}

/** An MCP tool result as the monitor sees it: `ok` is `!isError`, the text is its content joined. */
export function describeMcpResult(result: CallToolResult): { ok: boolean; text: string } {
  const content = Array.isArray(result.content) ? result.content : [];
  let text = content.map(blockText).join('\n');
  if (!text && result.structuredContent !== undefined) text = JSON.stringify(result.structuredContent);
  return { ok: result.isError !== true, text };
}

/** The result a stopped call returns: an MCP tool error the agent reads, so it can carry on. */
export function refusalResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
