// macOS writes `._<name>` (AppleDouble metadata) beside each file it copies to a non-Apple disk,
// and `aws s3 sync` uploads them: named like the video, they hold no video. Ingest skips them, and
// POST /uploads refuses such a name (its upload would be skipped, leaving the job waiting).
export const isAppleDouble = (fileName: string): boolean => fileName.startsWith('._');

/** Why such a file is left out, in ingest's log and `vodflow process`'s list. */
export const APPLE_DOUBLE_REASON = 'macOS metadata (a "._" AppleDouble file), not a video';
