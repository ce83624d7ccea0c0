// SQS accepts only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF in a message
// body (and local stand-ins refuse supplementary characters too, counting UTF-16 units), while an
// S3 key may hold any character. JSON already has an escape for every one of them: writing the
// rest as \uXXXX keeps the body the same JSON value, so every consumer's JSON.parse decodes it.
const REFUSED = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g;

const jsonEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON text of `value` that any SQS queue accepts; `JSON.parse` gives `value` back. */
export function sqsJson(value: unknown): string {
  // Outside string literals JSON text is ASCII, so every refused character is inside a string.
  return JSON.stringify(value).replace(REFUSED, jsonEscape);
}
