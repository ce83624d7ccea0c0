import { expect, it } from 'vitest';
import { MEDIA_NAME_MAX, mediaNameOf, mediaTypeOf } from '../../../lib/vod/media-name';

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

it('takes the file type from the first name with an extension of letters and digits, up to the length given', () => {
  expect(mediaTypeOf(['/b/clip%20one.MOV', 'clip one.MOV'])).toBe('MOV');
  expect(mediaTypeOf(['/b/clip.mp4~', 'clip.mkv'])).toBe('mkv');
  expect(mediaTypeOf(['clip.mp4~', 'clip.final_v2', 'clip', `x.${'a'.repeat(17)}`])).toBeUndefined();
  expect(mediaTypeOf([`x.${'a'.repeat(16)}`])).toBe('a'.repeat(16));
  expect(mediaTypeOf([`x.${'a'.repeat(9)}`], 8)).toBeUndefined();
});
