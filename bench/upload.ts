// Upload: lib/vod/upload.ts (SHA-1 pass, then 1 MiB parts with MD5, signed UploadPart each) to
// the emulator, next to the disk's own sequential write speed for the same size, interleaved.
// Peak RSS of the uploading process, which must not grow with the file.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiB, round, type Section } from './measure';
import { startChild } from './proc';

/** `size` bytes of incompressible-looking data: one random MiB, each copy stamped with its index. */
function generate(path: string, size: number, block: Buffer): void {
  const fd = openSync(path, 'w');
  try {
    for (let off = 0, i = 0; off < size; off += block.length, i++) {
      block.writeUInt32LE(i, 0);
      writeSync(fd, block, 0, Math.min(block.length, size - off));
    }
  } finally {
    closeSync(fd);
  }
}

/** dd-like: sequential 1 MiB writes of `size` bytes, then fsync; MB/s (10^6 bytes). */
function diskWrite(path: string, size: number, block: Buffer): number {
  const start = performance.now();
  const fd = openSync(path, 'w');
  try {
    for (let off = 0; off < size; off += block.length) writeSync(fd, block, 0, Math.min(block.length, size - off));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const seconds = (performance.now() - start) / 1000;
  rmSync(path, { force: true });
  return size / 1e6 / seconds;
}

/** A different file each round (first bytes = round), so the emulator never answers "already uploaded". */
function stamp(path: string, round: number): void {
  const fd = openSync(path, 'r+');
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE((BigInt(round + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn);
  writeSync(fd, head, 0, 8, 0);
  closeSync(fd);
}

export async function benchUpload(quick: boolean): Promise<Section> {
  const size = quick ? 32 * MiB : 1024 * MiB;
  const chunkSize = 1 * MiB;
  const rounds = quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'vodflow-bench-upload-'));
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  const file = join(dir, 'source.bin');
  generate(file, size, block);
  const server = startChild<{ endpoint?: string }>('./emulator-server.ts', { env: { VOD_EMULATOR_DATA: '' } });
  const uploader = startChild<Record<string, number | boolean>>('./upload-child.ts');
  try {
    const { endpoint } = await server.next();
    await uploader.next();
    const disk: number[] = [];
    const upload: number[] = [];
    let maxRssKiB = 0;
    let rssBeforeKiB = 0;
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['disk', 'upload'] : ['upload', 'disk'];
      for (const what of order) {
        if (what === 'disk') disk.push(diskWrite(join(dir, 'dd.bin'), size, block));
        else {
          stamp(file, r);
          uploader.send({ endpoint, file, chunkSize });
          const res = await uploader.next();
          if (res.instant || res.size !== size) throw new Error(`upload round ${r} was not a full upload: ${JSON.stringify(res)}`);
          upload.push(size / 1e6 / ((res.ms as number) / 1000));
          maxRssKiB = Math.max(maxRssKiB, res.maxRssKiB as number);
          rssBeforeKiB = res.rssBeforeKiB as number;
        }
      }
    }
    const diskMBs = [...disk].sort((a, b) => a - b)[disk.length >> 1]!;
    const uploadMBs = [...upload].sort((a, b) => a - b)[upload.length >> 1]!;
    const ratio = uploadMBs / diskMBs;
    const growthMiB = (maxRssKiB - rssBeforeKiB) / 1024;
    return {
      title: `Upload: chunked upload of a ${size / MiB} MiB generated file to the emulator`,
      figures: [
        { name: 'disk sequential write (1 MiB writes + fsync)', value: round(diskMBs), unit: 'MB/s' },
        {
          name: 'uploadStream to the emulator',
          value: round(uploadMBs),
          unit: 'MB/s',
          note: 'SHA-1 pass + parts (MD5, signed UploadPart) + FinishUpload',
        },
        { name: 'upload / disk write', value: round(ratio, 2), unit: '×', goal: '≥ 0.7×', met: ratio >= 0.7 },
        {
          name: 'uploader peak RSS',
          value: round(maxRssKiB / 1024),
          unit: 'MiB',
          note: `RSS before the upload ${round(rssBeforeKiB / 1024)} MiB (Node + tsx + client)`,
        },
        {
          name: 'peak RSS growth during the upload',
          value: round(growthMiB),
          unit: 'MiB',
          goal: `bounded by chunk size (${chunkSize / MiB} MiB), not by file size`,
          met: growthMiB < 64,
          note: `chunk ${chunkSize / MiB} MiB; file ${size / MiB} MiB`,
        },
      ],
      notes: [
        `${rounds} round(s), disk write and upload alternating; medians. The emulator runs in its own process and writes the parts to the same disk, so the upload also pays one full write of the file.`,
        'Bound by CPU on 2 cores: the uploader hashes (a SHA-1 pass, then SHA-1 + MD5 per part, as the protocol requires) and sends each part over a keep-alive node:http connection (no body copy); the emulator checks each MD5, writes to the page cache and keeps a running SHA-1. The disk figure varies a lot on this VM.',
      ],
    };
  } finally {
    await Promise.all([uploader.stop(), server.stop(30_000)]);
    rmSync(dir, { recursive: true, force: true });
  }
}
