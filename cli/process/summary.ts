// The human summary of one file: what was made and where, or what is wrong and what to do.
import { basename, extname, relative } from 'node:path';
import type { DownstreamEvent } from '../../lib/events/contracts';
import type { CopiedFile } from './outputs';

const kb = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;

export interface SummaryInput {
  path: string;
  event: DownstreamEvent;
  seconds: number;
  copied?: Map<string, CopiedFile[]>;
  outDir?: string;
}

export function summarize({ path, event, seconds, copied, outDir }: SummaryInput): string {
  const name = basename(path);
  const lines: string[] = [];
  if (event.type === 'vodflow.video.ready') {
    const d = event.data;
    lines.push(
      `✔ ${name}: ready in ${seconds.toFixed(1)} s (job ${d.jobId}, VOD fileId ${d.fileId}${d.attempts > 1 ? `, ${d.attempts} attempts` : ''})`,
    );
    if (d.duration !== undefined) lines.push(`  duration   ${d.duration.toFixed(2)} s`);
    const rows = d.playSet.map((item) => {
      const files = copied?.get(item.url) ?? [];
      const bytes = files.reduce((n, f) => n + f.bytes, 0);
      // The container as its file says (an original can be MOV, MKV, WMV…), HLS for a playlist.
      const ext = extname(new URL(item.url).pathname).slice(1).toLowerCase();
      return [
        String(item.definition),
        ext === 'm3u8' ? 'HLS' : ext.toUpperCase() || '?',
        item.width && item.height ? `${item.width}x${item.height}` : '',
        item.bitrate ? `${Math.round(item.bitrate / 1000)} kbps` : '',
        bytes ? kb(bytes) : '',
        item.url,
      ];
    });
    // Each column as wide as its widest cell (API 3.0 definitions have six digits), the URL last.
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
    for (const row of rows) {
      const cells = row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(Math.max(widths[i] ?? 0, i === 0 ? 4 : 0)) : cell));
      lines.push(`  ${cells.filter((_cell, i) => i === 0 || (widths[i] ?? 0) > 0).join('  ')}`.trimEnd());
    }
    if (d.coverUrl) lines.push(`  cover      ${d.coverUrl}`);
    for (const shot of d.snapshots) lines.push(`  snapshot   ${shot.timeOffset} ms  ${shot.url}`);
    if (outDir && copied) lines.push(`  copied to  ${relative(process.cwd(), outDir) || '.'}/`);
  } else {
    const { error, attempts } = event.data;
    lines.push(
      `✘ ${name}: failed with VOD code ${error.code} after ${attempts} attempt${attempts > 1 ? 's' : ''} (job ${event.data.jobId})`,
    );
    lines.push(`  what is wrong  ${error.message_en}`);
    if (error.message) lines.push(`                 ${error.message}`);
    if (error.detail) lines.push(`  VOD said       ${error.detail}`);
    lines.push(`  where          ${[error.stage, error.step, error.cause].filter(Boolean).join(' / ') || 'unknown'}`);
    const retry = !error.retryable ? 'no' : attempts > 1 ? `yes in general, but all ${attempts} attempts failed` : 'yes';
    lines.push(`  retry helps    ${retry}`);
    lines.push(`  what to do     ${error.action}`);
    lines.push(`  more           vodflow explain ${error.code}`);
  }
  return lines.join('\n');
}
