// Plain-text building blocks for the operator views: aligned tables, short timestamps, sizes.

/** Columns padded to their widest cell; the last column is never padded (no trailing spaces). */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `2026-11-21T20:27:11.903Z` → `2026-11-21 20:27:11Z`; anything else unchanged. */
export function shortTime(iso: string | undefined): string {
  if (!iso) return '-';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

/** Keeps both ends of a long value (the file name sits at the end of an S3 key). */
export function ellipsize(value: string, max: number): string {
  if (value.length <= max) return value;
  const head = Math.ceil((max - 1) / 2);
  return `${value.slice(0, head)}…${value.slice(value.length - (max - 1 - head))}`;
}

export function humanBytes(bytes: number | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

// Object keys and VOD messages are user data: a key may hold ANSI/OSC escapes (ESC, CSI U+009B),
// other controls, bidi overrides or a lone surrogate. None of them reaches the terminal as is.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;
const escapeCode = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text safe to print: controls, bidi overrides and lone surrogates shown as \uXXXX (pairs kept). */
export const printable = (text: string): string => text.replace(UNSAFE, escapeCode);

/** JSON for the terminal: lone surrogates become U+FFFD (valid UTF-8), controls and bidi overrides escaped. */
export function terminalJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.toWellFormed() : v), 2);
  return text.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, escapeCode);
}
