import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Tool outputs as the scripted agents read them (docs/reference/world.md#tool-output-formats). */

export const isError = (text: string): boolean => text.trimStart().startsWith('Error:');

function yamlOf(text: string): unknown {
  if (isError(text)) return undefined;
  try {
    return parseYaml(text) as unknown;
  } catch {
    return undefined;
  }
}

const DriveRecord = z.looseObject({
  filename: z.string(),
  content: z.string().default(''),
  owner: z.string().default(''),
});
export type DriveDoc = z.infer<typeof DriveRecord>;

/** The drive listing's documents; a listing that is not the expected YAML yields one raw document. */
export function parseDriveListing(text: string): DriveDoc[] {
  if (isError(text)) return [];
  const parsed = z.array(DriveRecord).safeParse(yamlOf(text));
  return parsed.success ? parsed.data : [{ filename: '', content: text, owner: '' }];
}

const ServerRecord = z.looseObject({
  filename: z.string(),
  last_modified: z.union([z.string(), z.date(), z.null()]).default(null),
  summary: z.string().default(''),
});
export interface ServerFileInfo {
  filename: string;
  /** Year of `last_modified`, or null when it is missing or unreadable. */
  year: number | null;
  summary: string;
}

function yearOf(value: string | Date | null): number | null {
  if (value instanceof Date) return value.getUTCFullYear();
  const match = value === null ? null : /^\s*(\d{4})-/.exec(value);
  return match ? Number(match[1]) : null;
}

/** A server listing (YAML sequence of records); also accepts a single record (copy result). */
export function parseServerFiles(text: string): ServerFileInfo[] {
  const data = yamlOf(text);
  const list = Array.isArray(data) ? data : data && typeof data === 'object' ? [data] : [];
  const out: ServerFileInfo[] = [];
  for (const item of list) {
    const rec = ServerRecord.safeParse(item);
    if (rec.success) out.push({ filename: rec.data.filename, year: yearOf(rec.data.last_modified), summary: rec.data.summary });
  }
  return out;
}

/** `list_server_ips`: a YAML list of addresses; falls back to any IPv4-looking tokens. */
export function parseIpList(text: string): string[] {
  const parsed = z.array(z.string()).safeParse(yamlOf(text));
  if (parsed.success) return parsed.data;
  return isError(text) ? [] : [...text.matchAll(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g)].map((m) => m[0]);
}

/** `list_sheets`: a header line, then `- <name>` lines. */
export function parseSheetNames(text: string): string[] {
  if (isError(text)) return [];
  return text
    .split('\n')
    .map((line) => /^\s*[-*]\s+(.+?)\s*$/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** A parsed `view_sheet` table: column names and rows of cells keyed by column. */
export interface Table {
  columns: string[];
  rows: Array<Record<string, string>>;
}

/**
 * Reads a dataframe-style printout: a header of right-aligned column names, then rows that start
 * with their 0-based index. Cells are split on runs of two or more spaces; when a row does not
 * split into the right number of cells, it is cut at the header's right edges instead.
 */
export function parseSheetTable(text: string): Table {
  if (isError(text)) return { columns: [], rows: [] };
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines.findIndex((l) => !/^\s*\d+\s/.test(l));
  if (header < 0) return { columns: [], rows: [] };
  const headerLine = lines[header] ?? '';
  const columns: string[] = [];
  const rightEdges: number[] = [];
  for (const m of headerLine.matchAll(/\S+(?: \S+)*/g)) {
    columns.push(m[0]);
    rightEdges.push(m.index + m[0].length);
  }
  const rows: Array<Record<string, string>> = [];
  for (const line of lines.slice(header + 1)) {
    const indexMatch = /^\s*(\d+)\s/.exec(line);
    if (!indexMatch) continue;
    let cells = line
      .trim()
      .split(/\s{2,}/)
      .slice(1);
    if (cells.length !== columns.length) {
      const start = indexMatch[0].length - 1;
      cells = rightEdges.map((edge, i) =>
        line.slice(i === 0 ? start : (rightEdges[i - 1] ?? start), i === rightEdges.length - 1 ? undefined : edge).trim(),
      );
    }
    rows.push(Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])));
  }
  return { columns, rows };
}

/** A number in a sheet cell (`1,680,000`, `$920000`, `-430000`); NaN when there is none. */
export function cellNumber(cell: string | undefined): number {
  const cleaned = (cell ?? '').replace(/[$,\s]/g, '');
  return cleaned === '' ? Number.NaN : Number(cleaned);
}

/** `slug(name)`: lowercase, spaces to `_` (docs/reference/world.md#notation). */
export const slug = (name: string): string => name.trim().toLowerCase().replace(/\s+/g, '_');

/** One CSV line as cells (RFC 4180 quoting, no line breaks inside cells); null when a quote is left open. */
function csvCells(line: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else quoted = false;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

/**
 * A sheet printed as CSV (`cat sheets/x.csv`), inside whatever a shell tool wraps around a command's
 * output: the longest run of lines with the same number of cells (two or more) under a header line
 * of names (no empty or numeric cell).
 */
export function parseCsvTable(text: string): Table {
  const lines = text.split(/\r?\n/);
  let best: Table = { columns: [], rows: [] };
  for (let i = 0; i < lines.length; i++) {
    const header = csvCells(lines[i] ?? '')?.map((c) => c.trim());
    if (!header || header.length < 2 || header.some((c) => c === '' || !Number.isNaN(cellNumber(c)))) continue;
    const rows: Array<Record<string, string>> = [];
    for (let j = i + 1; j < lines.length; j++) {
      const cells = csvCells(lines[j] ?? '');
      if (!cells || cells.length !== header.length) break;
      rows.push(Object.fromEntries(header.map((c, k) => [c, cells[k] ?? ''])));
    }
    if (rows.length > best.rows.length) best = { columns: header, rows };
  }
  return best;
}
