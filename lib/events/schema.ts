// JSON Schema of the downstream events, generated from the zod contracts (the single source).
// Regenerate the committed files with:  npx tsx lib/events/schema.ts
// test/lib/events/schema.test.ts fails when they drift from the zod schemas.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { dataSchemaOf, EVENT_TYPES, videoFailedEventV1, videoReadyEventV1 } from './contracts';

export const REGENERATE_COMMAND = 'npx tsx lib/events/schema.ts';

const documents = {
  'vodflow.video.ready.v1.schema.json': { schema: videoReadyEventV1, title: 'vodflow.video.ready (v1)', type: EVENT_TYPES.ready },
  'vodflow.video.failed.v1.schema.json': { schema: videoFailedEventV1, title: 'vodflow.video.failed (v1)', type: EVENT_TYPES.failed },
};

/** File name → file content (pretty JSON with a trailing newline). */
export function generateEventSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(documents).map(([file, { schema, title, type }]) => {
      // `$id` is the events' `dataschema`: a consumer resolves the schema named in an event.
      const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
      const json = { $schema, $id: dataSchemaOf(type), title, ...rest };
      return [file, `${JSON.stringify(json, null, 2)}\n`];
    }),
  );
}

export const eventsDir = fileURLToPath(new URL('../../events/schemas/', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, text] of Object.entries(generateEventSchemas())) {
    writeFileSync(`${eventsDir}${file}`, text);
    process.stdout.write(`wrote events/schemas/${file}\n`);
  }
}
