// apps/v1 ControllerRevision: immutable snapshots of a controller's template.

import { fieldRequired } from '../validation/fielderrors.ts';
import { validateImmutable, validateNonnegative, type Errs } from '../validation/fields.ts';
import type { KubeObject } from '../object.ts';
import type { Strategy } from './strategy.ts';

function validate(cr: KubeObject): Errs {
  const errs: Errs = [];
  if (cr.data === undefined || cr.data === null) errs.push(fieldRequired('data', 'data is mandatory'));
  validateNonnegative(errs, 'revision', cr.revision);
  return errs;
}

export const controllerRevisionStrategy: Strategy = {
  validate,
  validateUpdate(cr, old) {
    const errs = validate(cr);
    validateImmutable(errs, 'data', cr.data ?? null, old.data ?? null);
    return errs;
  },
};
