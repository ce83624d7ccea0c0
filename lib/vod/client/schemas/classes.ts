// Classes (categories), reference §4.4.
import * as z from 'zod';
import { envelopeFields, list, num, str } from './common';

export const describeClassParams = z.lazy(() => z.strictObject({}));
export const describeClassResponse = z.lazy(() =>
  z.looseObject({
    ...envelopeFields,
    // All strings in the doc and live ({id:"0", name:"其他", create_time:"…"}); id becomes a number.
    data: list(
      z.looseObject({
        id: num,
        name: str,
        create_time: z.string().optional(),
        update_time: z.string().optional(),
      }),
    ),
  }),
);

const classInfo = z.lazy(() =>
  z.looseObject({
    id: num,
    parent_id: num.optional(),
    name: str,
    level: num.optional(),
    file_num: num.optional(),
  }),
);

export interface ClassNode {
  info: z.output<typeof classInfo>;
  subclass: ClassNode[];
  [extra: string]: unknown;
}

// Recursive: each class carries its children under `subclass`.
const classNode: z.ZodType<ClassNode> = z.lazy(() =>
  z.looseObject({ info: classInfo, subclass: list(classNode) }),
) as unknown as z.ZodType<ClassNode>;

export const describeAllClassParams = z.lazy(() => z.strictObject({}));
export const describeAllClassResponse = z.lazy(() => z.looseObject({ ...envelopeFields, data: list(classNode) }));

export const createClassParams = z.lazy(() =>
  z.strictObject({
    className: z.string().min(1),
    /** Omit (or -1) for a first-level class. */
    parentId: z.number().int().optional(),
  }),
);
// `newClassId` is a string in the doc and live ("250").
export const createClassResponse = z.lazy(() => z.looseObject({ ...envelopeFields, newClassId: num }));

export const modifyClassParams = z.lazy(() => z.strictObject({ classId: z.number().int(), className: z.string().min(1) }));
export const deleteClassParams = z.lazy(() => z.strictObject({ classId: z.number().int() }));
