/**
 * An error the agent caused (unknown file, unknown host, name clash...). The gateway turns it into a
 * tool result `Error: <message>`; any other exception is a bug and is reported without detail.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}
