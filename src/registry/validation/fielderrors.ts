// The field.Error constructors errors.ts does not provide (NotFound, TooMany, Internal),
// built the same way so they serialise like the others.

import type { FieldError } from '../../server/errors.ts';

export {
  fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, fieldTooLong,
  type FieldError,
} from '../../server/errors.ts';

export const fieldNotFound = (field: string, value: unknown, detail?: string): FieldError => ({ type: 'FieldValueNotFound', field, value, detail });
export const fieldTooMany = (field: string, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field, value: actual, detail: `must have at most ${max} items` });
export const fieldInternal = (field: string, detail: string): FieldError => ({ type: 'InternalError', field, detail });
