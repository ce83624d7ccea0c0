// The ready summary's rows line up as a table whatever the definitions' widths (API 3.0 has six
// digits) and whether a row's files were copied.
import { expect, it } from 'vitest';
import { videoReadyEventV1 } from '../../lib/events/contracts';
import { summarize } from '../../cli/process/summary';

const url = (name: string) => `http://127.0.0.1:9/vod1250000000/777/${name}`;

it('lines up the output rows of API 3.0 definitions, copied or not', () => {
  const event = videoReadyEventV1.parse({
    specversion: '1.0',
    id: 'e1',
    source: 'urn:vodflow:test',
    type: 'vodflow.video.ready',
    subject: 'j1',
    time: '2026-12-03T00:00:00Z',
    datacontenttype: 'application/json',
    dataschema: 'urn:vodflow:schema:vodflow.video.ready:v1',
    data: {
      jobId: 'j1',
      attempts: 1,
      fileId: '777',
      playSet: [
        { definition: 0, url: url('f0.mp4'), width: 640, height: 360, bitrate: 1_792_000 },
        { definition: 100020, url: url('f0.f100020.mp4'), width: 640, height: 360, bitrate: 1_102_000 },
        { definition: 100210, url: url('f0.f100210.m3u8'), width: 1920, height: 1080, bitrate: 538_000 },
      ],
      snapshots: [],
      duration: 4,
    },
  });
  const copied = new Map([[url('f0.f100020.mp4'), [{ url: url('f0.f100020.mp4'), path: '/x', bytes: 575_000 }]]]);
  const rows = summarize({ path: 'good.mp4', event, seconds: 3.5, copied })
    .split('\n')
    .filter((line) => line.includes('http'));
  expect(rows).toHaveLength(3);
  // Every column starts where the same column starts in the other rows.
  for (const column of ['MP4|HLS', '\\d+x\\d+', '\\d+ kbps', 'http']) {
    const starts = rows.map((row) => row.search(new RegExp(column)));
    expect(new Set(starts).size, `${column}: ${rows.join('\n')}`).toBe(1);
  }
  expect(rows[1]).toMatch(/ 1102 kbps +562 kB +http/);
});
