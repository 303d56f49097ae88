// CSV for bulk starts: a header row naming input fields (nested ones by dot path, e.g.
// customer.name), one start per row. File-level problems (undecodable bytes, an unclosed quote, an
// unknown or repeated column, a required column missing, too many rows) refuse the whole file;
// everything else is judged row by row, so one bad row never blocks the others.
import { parse } from 'csv-parse/sync';
import type { DomainRuleViolation } from '../../domain/errors.js';
import { HttpError } from './errors.js';

export type CsvCellType = 'string' | 'number' | 'boolean' | 'duration';

export interface CsvColumn {
  /** Dot path of the input field, e.g. 'customer.name'. */
  path: string;
  type: CsvCellType;
  /** Required in the header (the row schema decides whether a cell may be empty). */
  required?: boolean;
  description: string;
}

export interface CsvRow {
  /** Record number in the file, the header being row 1. */
  row: number;
  /** Line where the record ends (a quoted cell may span lines). */
  line: number;
  /** The row as an input object (empty cells left out), when its shape could be read. */
  input?: Record<string, unknown>;
  violations?: DomainRuleViolation[];
}

/** Charsets a bulk CSV may be sent in (spreadsheets in Japan often save Shift_JIS). */
export const CSV_CHARSETS = ['utf-8', 'utf8', 'shift_jis', 'shift-jis', 'sjis', 'windows-31j', 'cp932'] as const;

/** Decodes the body bytes by the content-type's charset (default UTF-8), refusing invalid bytes. */
export function decodeCsvBody(body: Buffer, contentType: string | undefined): string {
  const charset = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  if (!(CSV_CHARSETS as readonly string[]).includes(charset)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `charset '${charset}' is not accepted: send UTF-8 (default) or Shift_JIS`, [
      { field: 'headers.content-type', rule: 'charset', message: `charset must be utf-8 or shift_jis (got '${charset}')` },
    ]);
  }
  const label = charset.startsWith('utf') ? 'utf-8' : 'shift_jis';
  try {
    return new TextDecoder(label, { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'MALFORMED_REQUEST', `the body is not valid ${label === 'utf-8' ? 'UTF-8' : 'Shift_JIS'} text`, [
      { field: 'body', rule: 'encoding', message: `the body is not valid ${label} (declare the charset in content-type, e.g. text/csv; charset=shift_jis)` },
    ]);
  }
}

const NUMBER_RE = /^-?\d+(\.\d+)?$/;

function cell(type: CsvCellType, raw: string): unknown {
  // A cell that does not look like its type stays a string: the row schema then names the field.
  if (type === 'number' || type === 'duration') return NUMBER_RE.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (type === 'boolean') return /^(true|false)$/i.test(raw.trim()) ? raw.trim().toLowerCase() === 'true' : raw;
  return raw;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]!] = value;
}

/** Parses the CSV into per-row inputs. Throws HttpError for file-level problems. */
export function parseCsvRows(text: string, columns: readonly CsvColumn[], maxRows: number): CsvRow[] {
  let records: { record: string[]; info: { lines: number; records: number } }[];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { code?: string; message?: string; lines?: number };
    throw new HttpError(400, 'MALFORMED_REQUEST', `the CSV cannot be read: ${e.message ?? 'parse error'}`, [
      { field: 'body', rule: e.code ?? 'csv', message: `line ${e.lines ?? '?'}: ${e.message ?? 'parse error'}` },
    ]);
  }
  const [head, ...rows] = records;
  if (!head) throw new HttpError(400, 'VALIDATION_FAILED', 'the CSV is empty: send a header row and one row per start', [{ field: 'body', rule: 'required', message: 'no header row' }]);
  const byPath = new Map(columns.map((c) => [c.path, c]));
  const header = head.record.map((h) => h.trim());
  const problems: DomainRuleViolation[] = [];
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (!byPath.has(h)) problems.push({ field: `header.${i + 1}`, rule: 'unknown-column', message: `column ${i + 1} '${h}' is not a known column (known: ${columns.map((c) => c.path).join(', ')})` });
    if (seen.has(h)) problems.push({ field: `header.${i + 1}`, rule: 'duplicate-column', message: `column '${h}' appears twice` });
    seen.add(h);
  });
  for (const c of columns) if (c.required && !seen.has(c.path)) problems.push({ field: c.path, rule: 'missing-column', message: `the header must have a '${c.path}' column` });
  if (problems.length) throw new HttpError(400, 'VALIDATION_FAILED', `the CSV header is not usable: ${problems.map((p) => p.message).join('; ')}`, problems);
  if (rows.length === 0) throw new HttpError(400, 'VALIDATION_FAILED', 'the CSV has a header but no rows', [{ field: 'body', rule: 'min-rows', message: 'at least one row is required' }]);
  if (rows.length > maxRows) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the CSV has ${rows.length} rows; at most ${maxRows} per request — split the file`, [
      { field: 'body', rule: 'max-rows', message: `at most ${maxRows} rows per request (got ${rows.length})` },
    ]);
  }
  return rows.map(({ record, info }) => {
    const base = { row: info.records, line: info.lines };
    if (record.length !== header.length) {
      return { ...base, violations: [{ field: 'row', rule: 'column-count', message: `row ${info.records} has ${record.length} cells; the header has ${header.length}` }] };
    }
    const input: Record<string, unknown> = {};
    record.forEach((raw, i) => {
      if (raw === '') return;
      const col = byPath.get(header[i]!)!;
      setPath(input, col.path, cell(col.type, raw));
    });
    return { ...base, input };
  });
}

/** A Markdown table of the columns, for the OpenAPI description and the guide. */
export function describeColumns(columns: readonly CsvColumn[]): string {
  return [
    '| column | type | header | meaning |',
    '|---|---|---|---|',
    ...columns.map((c) => `| \`${c.path}\` | ${c.type} | ${c.required ? 'required' : 'optional'} | ${c.description} |`),
  ].join('\n');
}
