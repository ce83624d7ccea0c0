// Which ffmpeg/ffprobe the emulator runs (same resolution as the engine: FFMPEG_PATH/FFPROBE_PATH,
// a modern system build, else the npm static builds), printed by `vodflow dev` and `--verbose`.
import { describeTool, resolveBinaries } from '../../emulator/media';

export function mediaToolsLine(): string {
  const bins = resolveBinaries();
  return `  media tools   ${describeTool('ffmpeg', bins.ffmpeg)}; ${describeTool('ffprobe', bins.ffprobe)}`;
}
