// Upload: lib/vod/upload.ts (SHA-1 pass with the parts' MD5s on a side worker, then 1 MiB parts,
// signed UploadPart each) to the emulator, next to the disk's own sequential write speed for the
// same size, interleaved. Peak RSS of the uploading process, which must not grow with the file.
// Also interleaved: the same upload without the side worker (MD5s in pass 2, the design before),
// and the floor (bench/upload-floor.ts): the CPU the protocol's hashing and the kernel's copies
// alone need per GiB, from which the rate the machine's CPUs allow at most follows.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, MiB, round, type Section } from './measure';
import { MIN_CHUNK_SIZE } from '../lib/vod/client';
import { startChild } from './proc';
import { hashCpu, loopbackCpu, readCpu } from './upload-floor';

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

/**
 * dd-like: sequential 1 MiB writes of `size` bytes, then fsync; MB/s (10^6 bytes), and the CPU s
 * per GiB of the writes alone (the copy into the page cache: the emulator makes it, not the fsync).
 */
function diskWrite(path: string, size: number, block: Buffer): { mbs: number; cpu: number } {
  const start = performance.now();
  const fd = openSync(path, 'w');
  let cpu: number;
  try {
    const since = process.cpuUsage();
    for (let off = 0; off < size; off += block.length) writeSync(fd, block, 0, Math.min(block.length, size - off));
    const used = process.cpuUsage(since);
    cpu = ((used.user + used.system) / 1e6) * (1024 ** 3 / size);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const seconds = (performance.now() - start) / 1000;
  rmSync(path, { force: true });
  return { mbs: size / 1e6 / seconds, cpu };
}

/** A different file each round (first bytes = round), so the emulator never answers "already uploaded". */
function stamp(path: string, round: number): void {
  const fd = openSync(path, 'r+');
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE((BigInt(round + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn);
  writeSync(fd, head, 0, 8, 0);
  closeSync(fd);
}

// From perf record -g -p <pid> (kernel and native frames; self time) during this section's 1 GiB
// upload, default settings; 2 CPUs shared with other runs (load about 5), 2026-12-01.
const PROFILE_NOTE =
  "Profile (perf record of each process during the upload; self time). Emulator: the copy into the page cache (copy_folio_from_iter_atomic: the write of the file, the same copy the disk-write baseline makes) 27 %, MD5 22 %, SHA-1 10 %, V8 GC 7 % (the socket's fresh 64 KiB piece per read: Node's, the loopback floor above pays it too), memmove of socket pieces into the reused part buffer 2.5 %, socket receive copy 1.7 %, page faults 1.5 %, then node:http and the action spread thin (each below 1 %). Uploader: MD5 36 % and SHA-1 16 % (pass 1, main thread and side worker), the file read and socket send copies 12 %, then node:http, the signed request and zod spread thin (each below 2 %). The emulator's hashing is its MD5 check and one running SHA-1 (no part hashed twice, no re-read at FinishUpload: advanceSha1's read-back of an early part is 0.1 %).";

/** What bounds the upload, from this run's figures. */
function boundNote(m: {
  ratio: number;
  ceilingMBs: number;
  diskMBs: number;
  floorCpu: number;
  used: number;
  cores: number;
  perRequestS: number;
}): string {
  const head = `The protocol's hashing and the kernel's copies alone (${round(m.floorCpu, 2)} CPU s per GiB, no vodflow code) allow at most ${round(m.ceilingMBs)} MB/s = ${round(m.ceilingMBs / m.diskMBs, 2)}× the disk write on ${m.cores} CPU(s)${m.ratio < 0.7 && m.ceilingMBs / m.diskMBs < 0.7 ? ': 0.7× is out of reach here whatever vodflow does' : ''}.`;
  // The round trips' CPU is measured apart (more parts for the same bytes), so it adds to the floor.
  const other = m.used - m.floorCpu - m.perRequestS;
  const requests = `The 1,024 UploadPart round trips per GiB that the protocol's 1 MiB part limit imposes cost ${round(m.perRequestS, 2)} CPU s more (node:http on both sides, signing and verifying, zod, the JSON answer)`;
  const rest =
    other > 0
      ? `; the remaining ${round(other, 2)} CPU s per GiB (${Math.round((100 * other) / m.used)} % of the ${round(m.used, 2)} s the upload used) are V8 GC, the hash and write hand-offs and vodflow's own code, none of whose functions shows above 2 % self time in the profile below.`
      : `; floor and round trips account for all of the ${round(m.used, 2)} CPU s per GiB the upload used (each was measured alone, so they can sum to more).`;
  return `${head} ${requests}${rest}`;
}

interface Uploader {
  name: string;
  server: ReturnType<typeof startChild<{ endpoint?: string; cpuMs?: number; sysMs?: number }>>;
  client: ReturnType<typeof startChild<Record<string, number | boolean>>>;
  endpoint?: string;
  mbs: number[];
  clientCpu: number[];
  serverCpu: number[];
  /** Share of the CPU spent in the kernel, both processes. */
  sysShare: number[];
  /** Seconds per GiB until the first part was acknowledged (pass 1 and InitUpload). */
  pass1: number[];
  maxRssKiB: number;
  rssBeforeKiB: number;
}

const startUploader = (name: string, env: NodeJS.ProcessEnv): Uploader => ({
  name,
  server: startChild('./emulator-server.ts', { env: { VOD_EMULATOR_DATA: '', ...env } }),
  client: startChild('./upload-child.ts', { env }),
  mbs: [],
  clientCpu: [],
  serverCpu: [],
  sysShare: [],
  pass1: [],
  maxRssKiB: 0,
  rssBeforeKiB: 0,
});

async function uploadOnce(u: Uploader, file: string, size: number, chunkSize: number, r: number): Promise<void> {
  stamp(file, r);
  u.server.send('cpu-start');
  u.client.send({ endpoint: u.endpoint, file, chunkSize });
  const res = await u.client.next();
  u.server.send('cpu-stop');
  const { cpuMs = 0, sysMs = 0 } = await u.server.next();
  if (res.instant || res.size !== size) throw new Error(`upload round ${r} was not a full upload: ${JSON.stringify(res)}`);
  const gib = size / 1024 ** 3;
  u.mbs.push(size / 1e6 / ((res.ms as number) / 1000));
  u.clientCpu.push((res.cpuMs as number) / 1000 / gib);
  u.serverCpu.push(cpuMs / 1000 / gib);
  u.sysShare.push(((res.sysMs as number) + sysMs) / ((res.cpuMs as number) + cpuMs));
  u.pass1.push((res.firstPartMs as number) / 1000 / gib);
  u.maxRssKiB = Math.max(u.maxRssKiB, res.maxRssKiB as number);
  u.rssBeforeKiB = res.rssBeforeKiB as number;
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
  // The cost of one UploadPart round trip, both sides: a smaller file sent in 512 KiB and in 1 MiB
  // parts by the default uploader; the CPU difference is that of the extra requests.
  const smallSize = size / 4;
  const small = join(dir, 'small.bin');
  generate(small, smallSize, block);
  // The default (pass 1 takes the MD5s on a side worker: lib/vod/upload-digests.ts) and without it.
  const main = startUploader('default', {});
  const noSide = startUploader('no side worker', { VODFLOW_HASH_WORKERS: '0' });
  const uploaders = [main, noSide];
  const viewOf = (u: Uploader): Uploader => ({ ...u, mbs: [], clientCpu: [], serverCpu: [], sysShare: [], pass1: [] });
  try {
    for (const u of uploaders) {
      u.endpoint = (await u.server.next()).endpoint;
      await u.client.next();
    }
    const disk: number[] = [];
    const writeCpu: number[] = [];
    const floors = { sha1: [] as number[], md5: [] as number[], read: [] as number[], tcp: [] as number[] };
    const sample = Math.min(size, 256 * MiB);
    const [halves, wholes] = [viewOf(main), viewOf(main)];
    for (let r = 0; r < rounds; r++) {
      const steps: Array<() => Promise<void> | void> = [
        () => {
          const { mbs, cpu } = diskWrite(join(dir, 'dd.bin'), size, block);
          disk.push(mbs);
          writeCpu.push(cpu);
        },
        () => uploadOnce(main, file, size, chunkSize, 2 * r),
        async () => {
          floors.sha1.push(hashCpu('sha1', sample, block));
          floors.md5.push(hashCpu('md5', sample, block));
          floors.read.push(readCpu(file, sample, block));
          floors.tcp.push(await loopbackCpu(sample, block));
        },
        async () => {
          await uploadOnce(halves, small, smallSize, MIN_CHUNK_SIZE, 2 * r);
          await uploadOnce(wholes, small, smallSize, chunkSize, 2 * r + 1);
        },
        () => uploadOnce(noSide, file, size, chunkSize, 2 * r + 1),
      ];
      for (const step of r % 2 === 0 ? steps : steps.reverse()) await step();
    }
    const gibMB = 1024 ** 3 / 1e6;
    const diskMBs = median(disk);
    const uploadMBs = median(main.mbs);
    const ratio = uploadMBs / diskMBs;
    const growthMiB = (main.maxRssKiB - main.rssBeforeKiB) / 1024;
    const f = {
      sha1: median(floors.sha1),
      md5: median(floors.md5),
      read: median(floors.read),
      tcp: median(floors.tcp),
      write: median(writeCpu),
    };
    // CPU s per GiB nothing can remove: SHA-1 and MD5 on both sides, the source read twice, the
    // parts over loopback, the emulator's write of the file.
    const floorCpu = 2 * f.sha1 + 2 * f.md5 + 2 * f.read + f.tcp + f.write;
    // The fastest this design can be with only that work, perfectly overlapped over the threads that
    // run at once (uploader, emulator, the emulator's file writes in libuv's pool): pass 1 cannot
    // end before one thread has read and SHA-1-hashed the file; pass 2 spreads the rest.
    const cores = Math.min(3, availableParallelism());
    const pass1Floor = Math.max(f.read + f.sha1, (f.read + f.sha1 + f.md5) / cores);
    const pass2Floor = (f.read + f.md5 + f.tcp + f.write + f.sha1 + f.md5) / cores;
    const ceilingMBs = gibMB / (pass1Floor + pass2Floor);
    const cpuOf = (u: Uploader) => median(u.clientCpu) + median(u.serverCpu);
    const cpu = (u: Uploader) =>
      `uploader ${round(median(u.clientCpu), 2)} s + emulator ${round(median(u.serverCpu), 2)} s CPU per GiB (${Math.round(100 * median(u.sysShare))} % in the kernel); pass 1 + InitUpload ${round(median(u.pass1), 2)} s per GiB`;
    const used = cpuOf(main);
    // 1,024 more requests per GiB with half the part size.
    const perRequestMs = ((cpuOf(halves) - cpuOf(wholes)) / 1024) * 1000;
    return {
      title: `Upload: chunked upload of a ${size / MiB} MiB generated file to the emulator`,
      figures: [
        {
          name: 'disk sequential write (1 MiB writes + fsync)',
          value: round(diskMBs),
          unit: 'MB/s',
          note: `${round(f.write, 2)} CPU s per GiB: the copy into the page cache`,
        },
        {
          name: 'uploadStream to the emulator',
          value: round(uploadMBs),
          unit: 'MB/s',
          note: `SHA-1 pass with the parts' MD5s${availableParallelism() >= 2 ? ' on a side worker' : ' left to pass 2 (one CPU)'} + parts (signed UploadPart) + FinishUpload; ${cpu(main)}`,
        },
        { name: 'upload / disk write', value: round(ratio, 2), unit: '×', goal: '≥ 0.7×', met: ratio >= 0.7 },
        {
          name: 'same, no side worker (VODFLOW_HASH_WORKERS=0: MD5s in pass 2)',
          value: round(median(noSide.mbs)),
          unit: 'MB/s',
          note: `${cpu(noSide)}; peak RSS growth ${round((noSide.maxRssKiB - noSide.rssBeforeKiB) / 1024)} MiB`,
        },
        { name: 'OpenSSL SHA-1, one thread', value: round(gibMB / f.sha1), unit: 'MB/s', note: 'node:crypto, 1 MiB updates' },
        { name: 'OpenSSL MD5, one thread', value: round(gibMB / f.md5), unit: 'MB/s' },
        {
          name: 'floor: CPU the protocol and the kernel need per GiB',
          value: round(floorCpu, 2),
          unit: 's',
          note: `SHA-1 ×2 ${round(2 * f.sha1, 2)} + MD5 ×2 ${round(2 * f.md5, 2)} + file read ×2 ${round(2 * f.read, 2)} + loopback TCP ${round(f.tcp, 2)} + page-cache write ${round(f.write, 2)}; the upload used ${round(used, 2)} s (floor = ${Math.round((100 * floorCpu) / used)} %)`,
        },
        {
          name: 'the floor alone allows at most',
          value: round(ceilingMBs),
          unit: 'MB/s',
          note: `${round(ceilingMBs / diskMBs, 2)}× the disk write: pass 1 ≥ ${round(pass1Floor, 2)} s per GiB (read + SHA-1 on one thread), pass 2 ≥ ${round(pass2Floor, 2)} s (the rest over ${cores} CPUs), no other work`,
        },
        {
          name: 'CPU per UploadPart round trip, both sides',
          value: round(perRequestMs, 2),
          unit: 'ms',
          note: `${round(cpuOf(halves), 2)} vs ${round(cpuOf(wholes), 2)} CPU s per GiB for a ${smallSize / MiB} MiB file in ${MIN_CHUNK_SIZE / 1024} KiB vs 1 MiB parts; × 1,024 parts per GiB (the largest part the protocol allows) = ${round(perRequestMs * 1.024, 2)} s per GiB`,
        },
        {
          name: 'uploader peak RSS',
          value: round(main.maxRssKiB / 1024),
          unit: 'MiB',
          note: `RSS before the upload ${round(main.rssBeforeKiB / 1024)} MiB (Node + tsx + client)`,
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
        `${rounds} round(s), disk write, upload (default), floor measurements, the small file in 512 KiB then 1 MiB parts, and upload (no side worker), in alternating order; medians. Each upload has its own emulator process, which writes the parts to the same disk, so the upload also pays one full write of the file. CPU per GiB counts every thread of each process, kernel time included; the floor is measured alone in this process (bench/upload-floor.ts) on ${round(sample / MiB)} MiB.`,
        boundNote({ ratio, ceilingMBs, diskMBs, floorCpu, used, cores, perRequestS: perRequestMs * 1.024 }),
        PROFILE_NOTE,
      ],
    };
  } finally {
    await Promise.all(uploaders.flatMap((u) => [u.client.stop(), u.server.stop(30_000)]));
    rmSync(dir, { recursive: true, force: true });
  }
}
