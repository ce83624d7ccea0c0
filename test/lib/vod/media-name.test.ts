import { expect, it } from 'vitest';
import { MEDIA_NAME_MAX, mediaNameOf } from '../../../lib/vod/media-name';

it('keeps a name that fits, and cuts a longer one to 256 units on a character boundary, extension kept', () => {
  expect(mediaNameOf('holiday.mp4')).toBe('holiday.mp4');
  const fits = `${'a'.repeat(MEDIA_NAME_MAX - 4)}.mp4`;
  expect(mediaNameOf(fits)).toBe(fits);
  const long = `${'假期🎉'.repeat(100)}.mov`;
  const cut = mediaNameOf(long);
  expect(cut.length).toBeLessThanOrEqual(MEDIA_NAME_MAX);
  expect(cut.length).toBeGreaterThan(MEDIA_NAME_MAX - 4);
  expect(cut.endsWith('.mov')).toBe(true);
  expect(long.startsWith(cut.slice(0, -4))).toBe(true);
  expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no half of an emoji
  expect(mediaNameOf('x'.repeat(300)).length).toBe(MEDIA_NAME_MAX);
});
