/**
 * The peerwatch side of the shims: a Unix socket that takes one request per connection (a JSON line
 * `{tool, argv, stdin}`; `tool` one of the ssh tools or a peerwatch command), runs it in the episode
 * (which refuses a command the rollout does not offer) and answers `{stdout, stderr, exitCode}`. Requests
 * are checked at the boundary; anything malformed gets ssh's exit status 255 and a one-line reason.
 */
import { createServer, type Server } from 'node:net';
import { z } from 'zod';
import { SHIM_TOOLS } from './shims.js';
import { TOOL_COMMANDS } from './tool-commands.js';
import type { ShellEpisode } from './episode.js';

const MAX_REQUEST = 1024 * 1024;

const Request = z.strictObject({
  tool: z.enum([...SHIM_TOOLS, ...TOOL_COMMANDS]),
  argv: z.array(z.string().max(64 * 1024)).max(1000),
  stdin: z.string().max(MAX_REQUEST),
});

export interface ShimServer {
  server: Server;
  close(): Promise<void>;
}

export function startShimServer(episode: ShellEpisode, socketPath: string): Promise<ShimServer> {
  // allowHalfOpen: the shim ends its side after the request and still waits for the answer.
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    let buf = '';
    let done = false;
    const answer = (r: { stdout: string; stderr: string; exitCode: number }) => {
      done = true;
      conn.end(JSON.stringify(r));
    };
    conn.setEncoding('utf8');
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk: string) => {
      if (done) return;
      buf += chunk;
      if (buf.length > MAX_REQUEST * 2) return answer({ stdout: '', stderr: 'peerwatch: request too large\n', exitCode: 255 });
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let parsed: z.infer<typeof Request>;
      try {
        parsed = Request.parse(JSON.parse(buf.slice(0, nl)));
      } catch {
        return answer({ stdout: '', stderr: 'peerwatch: malformed shim request\n', exitCode: 255 });
      }
      done = true;
      episode.run(parsed.tool, parsed.argv, parsed.stdin).then(
        (r) => conn.end(JSON.stringify({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode })),
        (e: unknown) => conn.end(JSON.stringify({ stdout: '', stderr: `peerwatch: ${(e as Error).message}\n`, exitCode: 255 })),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve({ server, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
