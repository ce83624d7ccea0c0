// The server upload flow of Tencent's `vod-nodejs-server-sdk-v4` (GitHub tencentyun/
// vod-nodejs-server-sdk-v4, 2016-12; not on npm, so its behaviour is reproduced here, not vendored).
// Reproduced exactly from lib/VodUploadApi.js and lib/VodUploadSig.js at e3b5eef:
// - every call is a POST to `/v2/index.php?<params>` with `Content-type: application/octet-stream`;
// - params in the SDK's literal order, values concatenated raw (no URL encoding, `genUrlPath`);
// - Signature = urlencode(Base64(HMAC-SHA1(key, "POST" + host + "/v2/index.php?" + params)));
// - Timestamp in milliseconds, `RequestClient=SDK_NODEJS_1.1`, `contentLen`;
// - InitUpload code 0/1 → UploadPart from offset 0 (groups of 10 parts in flight), code 2 →
//   FinishUpload straight away; the caller gets FinishUpload's answer.
// The only change is the host (the SDK hard-codes vod2.qcloud.com in both URL and signature).
import { createHash, createHmac } from 'node:crypto';

export interface VodNodeV4 {
  /** `UploadVideo(filePath, fileName, fileType, sliceSize, notifyUrl, callback)`, as a promise. */
  uploadVideo(
    bytes: Buffer,
    fileName: string,
    fileType: string,
    sliceSize: number,
    notifyUrl?: string,
  ): Promise<{ init: Record<string, any>; finish: Record<string, any> }>;
}

export function vodNodeV4(baseUrl: string, secretId: string, secretKey: string, region = 'gz'): VodNodeV4 {
  const host = new URL(baseUrl).host;
  const nonce = () => Math.round(Math.random() * (1000000 - 1) + 1);
  const genUrlPath = (obj: Record<string, string | number>) =>
    Object.entries(obj)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  const genSig = (obj: Record<string, string | number>) =>
    encodeURIComponent(
      createHmac('sha1', secretKey)
        .update(`POST${host}/v2/index.php?${genUrlPath(obj)}`, 'utf8')
        .digest('base64'),
    );
  const request = async (obj: Record<string, string | number>, body: Buffer | string) => {
    const urlPath = genUrlPath({ ...obj, Signature: genSig(obj) });
    const res = await fetch(`${baseUrl}/v2/index.php?${urlPath}`, {
      method: 'POST',
      body,
      headers: { 'Content-type': 'application/octet-stream', Accept: '*/*' },
    });
    return (await res.json()) as Record<string, any>;
  };
  const common = (action: string) => ({
    Action: action,
    Nonce: nonce(),
    Region: region,
    RequestClient: 'SDK_NODEJS_1.1',
    SecretId: secretId,
    Timestamp: Date.now(),
  });

  return {
    async uploadVideo(bytes, fileName, fileType, sliceSize, notifyUrl = '') {
      const fileSha = createHash('sha1').update(bytes).digest('hex');
      const fileSize = bytes.length;
      const finish = () => request({ ...common('FinishUpload'), contentLen: 0, fileSha, notifyUrl }, '');
      const init = await request(
        { ...common('InitUpload'), contentLen: 0, dataSize: sliceSize, fileName, fileSha, fileSize, fileType, notifyUrl },
        '',
      );
      if (init.code === 2) return { init, finish: await finish() };
      if (init.code !== 0 && init.code !== 1) return { init, finish: init };
      for (let group = 0; group < fileSize; group += 10 * sliceSize) {
        const border = Math.min(group + 10 * sliceSize, fileSize);
        const parts = [];
        for (let offset = group; offset < border; offset += sliceSize) {
          const page = bytes.subarray(offset, Math.min(offset + sliceSize, fileSize));
          const dataMd5 = createHash('md5').update(page).digest('hex');
          parts.push(
            request(
              {
                ...common('UploadPart'),
                contentLen: page.length,
                dataMd5,
                dataSize: page.length,
                fileName,
                fileSha,
                fileSize,
                fileType,
                notifyUrl,
                offset,
              },
              page,
            ),
          );
        }
        await Promise.all(parts);
      }
      return { init, finish: await finish() };
    },
  };
}
