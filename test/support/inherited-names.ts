// Every property name a plain object or a function inherits, plus the two that matter without
// being inherited (`__proto__` as a setter, `prototype`): what a dispatch table or a record
// indexed by a caller's name must never answer to.
export const INHERITED_NAMES: readonly string[] = [
  ...new Set([
    ...Object.getOwnPropertyNames(Object.prototype),
    ...Object.getOwnPropertyNames(Function.prototype),
    '__proto__',
    'prototype',
  ]),
];
