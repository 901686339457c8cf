// core/v1 Namespace (pkg/registry/core/namespace/strategy.go, SetDefaults_Namespace*).

import { fieldInvalid } from '../validation/fielderrors.ts';
import type { Errs } from '../validation/fields.ts';
import { asArray, clone, str } from '../validation/json.ts';
import { validateFinalizerName } from '../validation/objectmeta.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, specOf, statusOf } from './common.ts';
import type { Strategy } from './strategy.ts';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function defaults(ns: KubeObject): void {
  // Upstream both defaults and canonicalizes this label, so it always tracks the name.
  const name = ns.metadata.name;
  if (name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
  const status = statusOf(ns);
  if (status && !status.phase) status.phase = 'Active';
}

function prepareForCreate(ns: KubeObject): void {
  ns.status = { phase: 'Active' };
  // The "kubernetes" finalizer is required on create (it may be removed later via /finalize).
  const spec = specOf(ns);
  const finalizers = (asArray(spec.finalizers) ?? []).slice();
  if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
  spec.finalizers = finalizers;
}

function prepareForUpdate(ns: KubeObject, old: KubeObject): void {
  // spec.finalizers change only through the finalize subresource; status only through /status.
  const spec = specOf(ns);
  const oldFinalizers = (old.spec as { finalizers?: unknown } | undefined)?.finalizers;
  if (oldFinalizers === undefined) delete spec.finalizers;
  else spec.finalizers = clone(oldFinalizers);
  if (old.status === undefined) delete ns.status;
  else ns.status = clone(old.status);
}

function validate(ns: KubeObject): Errs {
  const errs: Errs = [];
  for (const f of asArray(specOf(ns).finalizers) ?? []) validateFinalizerName(errs, 'spec.finalizers', String(f));
  return errs;
}

function validateStatusUpdate(ns: KubeObject): Errs {
  const errs: Errs = [];
  const phase = str(statusOf(ns), 'phase');
  if (!ns.metadata.deletionTimestamp) {
    if (phase !== 'Active') errs.push(fieldInvalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(fieldInvalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

/** The /finalize subresource: only spec.finalizers may change (status comes from storage). */
export function prepareForFinalize(ns: KubeObject, old: KubeObject): void {
  if (old.status === undefined) delete ns.status;
  else ns.status = clone(old.status);
}

export function validateFinalize(ns: KubeObject): Errs {
  const errs: Errs = [];
  (asArray(specOf(ns).finalizers) ?? []).forEach((f, i) => validateFinalizerName(errs, `spec.finalizers[${i}]`, String(f)));
  return errs;
}

export const namespaceStrategy: Strategy = {
  hasStatus: true,
  nameIsLabel: true,
  defaults,
  prepareForCreate,
  prepareForUpdate,
  validate,
  validateUpdate: () => [],
  prepareForStatusUpdate: (ns, old) => {
    keepAllButStatus(ns, old);
    defaults(ns);
  },
  validateStatusUpdate,
  selectableFields: (ns) => ({
    'status.phase': str(statusOf(ns), 'phase'),
    // Upstream keeps this unprefixed field for backward compatibility.
    name: ns.metadata.name ?? '',
  }),
};
