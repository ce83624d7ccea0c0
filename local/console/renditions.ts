// Size and length of each rendition a job's playSet names, read from the media server: an MP4's
// content-length; for HLS the playlist's segment durations and the sum of the segments' sizes.
// Only URLs on the emulator's own origin are read (a job record is not a list of URLs to fetch).
import type { JobOutputs } from '../../lib/jobs/types';

export interface RenditionFacts {
  definition: number;
  url: string;
  kind: 'mp4' | 'hls' | 'other';
  bytes?: number;
  /** Seconds, from the HLS playlist (an MP4's the page reads from the player). */
  duration?: number;
  segments?: number;
  problem?: string;
}

const kindOf = (url: string): RenditionFacts['kind'] => {
  const pathname = new URL(url).pathname.toLowerCase();
  return pathname.endsWith('.m3u8') ? 'hls' : pathname.endsWith('.mp4') ? 'mp4' : 'other';
};

async function headBytes(url: URL): Promise<number | undefined> {
  const res = await fetch(url, { method: 'HEAD' });
  if (!res.ok) throw new Error(`HEAD ${url.pathname}: HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length'));
  return Number.isFinite(length) ? length : undefined;
}

async function hlsFacts(url: URL, depth = 0): Promise<Pick<RenditionFacts, 'bytes' | 'duration' | 'segments'>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url.pathname}: HTTP ${res.status}`);
  const lines = (await res.text()).split(/\r?\n/).map((l) => l.trim());
  const variant = lines.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF'));
  if (variant >= 0 && depth === 0) {
    const next = lines.slice(variant + 1).find((l) => l && !l.startsWith('#'));
    if (next) return hlsFacts(new URL(next, url), 1);
  }
  let duration = 0;
  let bytes = 0;
  let segments = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /^#EXTINF:([\d.]+)/.exec(lines[i]!);
    if (!m) continue;
    duration += Number(m[1]);
    const uri = lines.slice(i + 1).find((l) => l && !l.startsWith('#'));
    if (uri) bytes += (await headBytes(new URL(uri, url))) ?? 0;
    segments += 1;
  }
  return { duration: Math.round(duration * 1000) / 1000, bytes, segments };
}

export async function renditionFacts(outputs: JobOutputs, mediaOrigin: string | undefined): Promise<RenditionFacts[]> {
  return Promise.all(
    outputs.playSet.map(async (p): Promise<RenditionFacts> => {
      let url: URL;
      try {
        url = new URL(p.url);
      } catch {
        return { definition: p.definition, url: p.url, kind: 'other', problem: 'not a URL' };
      }
      const kind = kindOf(p.url);
      if (!mediaOrigin || url.origin !== mediaOrigin)
        return { definition: p.definition, url: p.url, kind, problem: 'not served by the local emulator' };
      try {
        if (kind === 'hls') return { definition: p.definition, url: p.url, kind, ...(await hlsFacts(url)) };
        return { definition: p.definition, url: p.url, kind, bytes: await headBytes(url) };
      } catch (error) {
        return { definition: p.definition, url: p.url, kind, problem: (error as Error).message };
      }
    }),
  );
}
