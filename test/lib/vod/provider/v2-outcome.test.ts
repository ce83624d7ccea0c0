// What a finished task produced, from VOD's data as the response schemas deliver it.
import { describe, expect, it } from 'vitest';
import { procedureOutcome, pullOutcome } from '../../../../lib/vod/provider/v2-outcome';
import { procedureStateChangedData, pullCompleteData } from '../../../../lib/vod/client';

const procedure = (data: unknown) => procedureOutcome(procedureStateChangedData.parse(data));
const pull = (data: unknown) => pullOutcome(pullCompleteData.parse(data));

describe('task outcomes', () => {
  const ok = { taskType: 'Transcode', status: 'SUCCESS', errCode: 0, message: '' };
  it('prefer the specific processing code over the generic sub-task code', () => {
    const out = procedure({
      status: 'FINISH',
      errCode: 30009,
      message: 'source',
      processTaskList: [ok, { taskType: 'Transcode', status: 'FAIL', errCode: -43001, message: 'corrupt' }],
    });
    expect(out).toEqual({ ok: false, code: -43001, message: 'corrupt', subTask: 'Transcode' });
  });
  it('collect cover and snapshots of a success', () => {
    const out = procedure({
      status: 'FINISH',
      errCode: 0,
      message: '',
      fileId: 'f',
      metaData: { duration: 2 },
      processTaskList: [
        ok,
        { taskType: 'CoverBySnapshot', status: 'SUCCESS', message: '', output: { imageUrl: 'c.jpg' } },
        { taskType: 'SnapshotByTimeOffset', status: 'SUCCESS', message: '', output: { imgInfo: [{ timeOffset: 1000, url: 's.jpg' }] } },
      ],
    });
    expect(out).toEqual({ ok: true, fileId: 'f', coverUrl: 'c.jpg', snapshots: [{ timeOffset: 1000, url: 's.jpg' }], duration: 2 });
  });
  it('read a pull result', () => {
    expect(pull({ status: 0, message: '', fileId: '9' })).toMatchObject({ ok: true, fileId: '9' });
    expect(pull({ status: 10001, message: 'fetch failed', fileId: '9' })).toMatchObject({ ok: false, code: 10001 });
  });
});
