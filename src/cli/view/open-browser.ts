import { spawn } from 'node:child_process';

/**
 * Best effort: asks the desktop to open `url`. Returns false (and does nothing) when there is no
 * display or no opener; never throws, since the URL is printed anyway.
 */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  let cmd: string;
  let args: string[];
  if (platform === 'darwin') [cmd, args] = ['open', [url]];
  else if (platform === 'win32') [cmd, args] = ['cmd', ['/c', 'start', '""', url]];
  else {
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
    [cmd, args] = ['xdg-open', [url]];
  }
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true, env });
    child.on('error', () => {}); // no opener installed: the printed URL is enough
    child.unref();
    return true;
  } catch {
    return false;
  }
}
