import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The web app's folder, the same from `src/cli/view` (tsx) and `dist/cli/view` (built). */
export const VIEWER_DIR = fileURLToPath(new URL('../../../viewer/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  type: string;
  body: Uint8Array;
}

/**
 * Loads the app's files once into a map from URL path to content. Requests are answered by exact
 * lookup in this map, never by joining a request path onto the disk, so no path (`..`, encoded
 * slashes, absolute paths) can reach a file outside the app.
 */
export function loadStaticFiles(dir: string = VIEWER_DIR): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && TYPES[extname(e.name)]) {
        files.set(`/${relative(dir, p).split(sep).join('/')}`, { type: TYPES[extname(e.name)]!, body: readFileSync(p) });
      }
    }
  };
  walk(dir);
  const index = files.get('/index.html');
  if (!index) throw new Error(`viewer app not found: ${join(dir, 'index.html')} is missing`);
  files.set('/', index);
  return files;
}
