// The engine's public shapes (notes/contracts.md "emulator/media"), mirroring GetVideoInfo's
// metaData and transcodeList items (reference §4.2).

export interface StreamInfo {
  codec: string;
  width?: number;
  height?: number;
  /** bps; 0 when the container does not say (HLS, Matroska). */
  bitrate: number;
  fps?: number;
  samplingRate?: number;
  channels?: number;
}

export interface MediaInfo {
  /** ffprobe's format_name, verbatim (the service showed "hls,applehttp" for HLS). */
  container: string;
  /** Seconds. */
  duration: number;
  /** Bytes; for HLS the playlist plus its segments. */
  size: number;
  /** bps. */
  bitrate: number;
  /** Displayed size of the first video stream (rotation applied), 0 without video. */
  width: number;
  height: number;
  /** Hex MD5 of the file (for HLS, of the playlist). */
  md5: string;
  videoStreamList: StreamInfo[];
  audioStreamList: StreamInfo[];
}

export interface OutputFile {
  /** Absolute path. */
  path: string;
  /** File name inside the output folder, e.g. 'f0.f20.mp4'. */
  name: string;
}

export interface TranscodeOutput extends MediaInfo {
  definition: number;
  /** Every file written (for HLS the playlist and its segments). */
  files: OutputFile[];
  /** The mp4 (mp3, m4a) or the .m3u8. */
  main: OutputFile;
}

export interface SnapshotItem {
  timeOffset: number;
  file?: OutputFile;
  /** 0, or the item's seed code (-46204 past the end, -440xx/-441xx). */
  status: number;
}

export interface SpriteOutput {
  files: OutputFile[];
  /** Size of one tile. */
  width: number;
  height: number;
  totalCount: number;
}
