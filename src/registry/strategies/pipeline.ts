// The order in which a write runs through a strategy, as upstream's rest.BeforeCreate /
// BeforeUpdate do. The generic registry has its own copy of this flow; these helpers exist
// for tests and as the reference for that order.

import type { FieldError } from '../../server/errors.ts';
import type { KubeObject } from '../object.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/objectmeta.ts';
import type { Strategy } from './strategy.ts';

export interface WriteResult {
  obj: KubeObject;
  errors: FieldError[];
}

/** Create: defaults (decode) → prepareForCreate → ObjectMeta → kind validation. */
export function applyCreate(s: Strategy, obj: KubeObject, namespaced: boolean): WriteResult {
  s.defaults?.(obj);
  s.prepareForCreate?.(obj);
  const errors = validateObjectMeta(obj.metadata, { namespaced, nameIsLabel: s.nameIsLabel, validateName: s.validateName });
  errors.push(...(s.validate?.(obj) ?? []));
  return { obj, errors };
}

/** Update of the main resource: defaults → prepareForUpdate → ObjectMeta update rules → kind rules. */
export function applyUpdate(s: Strategy, obj: KubeObject, old: KubeObject): WriteResult {
  s.defaults?.(obj);
  s.prepareForUpdate?.(obj, old);
  const errors = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errors.push(...(s.validateUpdate?.(obj, old) ?? s.validate?.(obj) ?? []));
  return { obj, errors };
}

/** Status subresource update. */
export function applyStatusUpdate(s: Strategy, obj: KubeObject, old: KubeObject): WriteResult {
  s.prepareForStatusUpdate?.(obj, old);
  const errors = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errors.push(...(s.validateStatusUpdate?.(obj, old) ?? []));
  return { obj, errors };
}
