// The name a file gets in VOD: at most 256 characters (API 3.0's MediaName of PullUpload and
// ApplyUpload, vod-v3-api.md §4; the emulator holds API 2.0's pull fileName to the same), while an
// S3 key's file name can be far longer (1,024 bytes). A longer name keeps its start and its
// extension: the video is the user's point, not its name, and a refused request would fail it.
import { extname } from 'node:path';

export const MEDIA_NAME_MAX = 256;

/** `fileName` cut to MEDIA_NAME_MAX UTF-16 units (as zod counts), on a character boundary, extension kept. */
export function mediaNameOf(fileName: string): string {
  if (fileName.length <= MEDIA_NAME_MAX) return fileName;
  const ext = extname(fileName).length <= 16 ? extname(fileName) : '';
  let stem = '';
  for (const ch of fileName.slice(0, fileName.length - ext.length)) {
    if (stem.length + ch.length > MEDIA_NAME_MAX - ext.length) break;
    stem += ch;
  }
  return stem + ext;
}

/**
 * The file type VOD wants from the first of `names` whose extension is letters and digits, at most
 * `maxLength` (3.0's MediaType: 16; 2.0's fileType: see fileTypeOf); undefined when none has one
 * (`clip.mp4~` where VIDEO_EXTENSIONS lists `mp4~`).
 */
export function mediaTypeOf(names: readonly string[], maxLength = 16): string | undefined {
  for (const name of names) {
    const ext = extname(name).slice(1);
    if (ext.length <= maxLength && /^[A-Za-z0-9]+$/.test(ext)) return ext;
  }
  return undefined;
}

/**
 * API 2.0's fileType from a file name: its extension in lower case, letters and digits, at most 8
 * (the reference says only "by extension"; 8 is the emulator's bound); undefined when it has none.
 */
export const fileTypeOf = (fileName: string): string | undefined => mediaTypeOf([fileName], 8)?.toLowerCase();
