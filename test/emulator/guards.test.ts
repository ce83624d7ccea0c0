// Pure pieces: the outbound address policy and the strict parameter parser.
import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, isLoopback, isPrivateAddress } from '../../emulator/net-guard';
import { parseParamString, WireError } from '../../emulator/wire';
import { parseRange } from '../../emulator/files';
import { parseProcedure } from '../../emulator/uploads/procedure-string';

describe('outbound address policy', () => {
  it('classifies private, reserved, mapped and loopback addresses', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::ffff:a00:1',
      '::',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isPrivateAddress(a), a).toBe(false);
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1']) expect(isLoopback(a), a).toBe(true);
  });

  it('refuses before resolving anything but the URL itself', async () => {
    await expect(checkOutboundUrl('file:///etc/passwd', { allowPrivate: true })).rejects.toThrow(/scheme/);
    await expect(checkOutboundUrl('http://10.0.0.1/', { allowPrivate: false })).rejects.toThrow(/private/);
    await expect(checkOutboundUrl('http://10.0.0.1/', { allowPrivate: true })).resolves.toMatchObject({ address: { address: '10.0.0.1' } });
    await expect(checkOutboundUrl('http://localhost:9/', { allowPrivate: false })).resolves.toMatchObject({ url: expect.any(URL) });
  });
});

describe('parameter parsing', () => {
  const limits = { maxParams: 10 };
  it('decodes form encoding and UTF-8', () => {
    expect(parseParamString('a=1&b=x+y&c=%E4%B8%AD%F0%9F%8E%AC&d=', limits)).toEqual({ a: '1', b: 'x y', c: '中🎬', d: '' });
  });
  it('refuses duplicates, bad escapes, invalid UTF-8 and too many params', () => {
    for (const bad of ['a=1&a=2', 'a=%ZZ', 'a=%', 'a=%FF', 'a=%C3%28', '=1', Array.from({ length: 11 }, (_, i) => `p${i}=1`).join('&')]) {
      expect(() => parseParamString(bad, limits), bad).toThrow(WireError);
    }
  });
});

describe('ranges and procedures', () => {
  it('parses single byte ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
  });
  it('reads QCVB_SimpleProcessFile', () => {
    expect(parseProcedure('QCVB_SimpleProcessFile({210,220},1,10,10)', [20])).toEqual({
      transcode: { definitions: [210, 220], watermark: 1 },
      coverBySnapshot: { definition: 10, positionType: 'Time', position: 0 },
      sampleSnapshot: { definition: 10 },
    });
    expect(parseProcedure('QCVB_SimpleProcessFile(1, 0)', [10, 20])).toEqual({ transcode: { definitions: [10, 20], watermark: 0 } });
    expect(() => parseProcedure('QCVB_SimpleProcessFile({7})', [20])).toThrow(/not a template/);
    expect(() => parseProcedure('custom', [20])).toThrow(/unknown procedure/);
  });
});
