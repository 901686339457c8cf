// apps/v1 DaemonSet (pkg/registry/apps/daemonset/strategy.go, SetDefaults_DaemonSet).

import type { Errs } from '../validation/fields.ts';
import { ensureObj, obj, semanticEqual, setDefault, setDefaultString } from '../validation/json.ts';
import { validateDaemonSetSpec } from '../validation/workloads.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, keepOldStatus, resetStatus, specOf, statusOf } from './common.ts';
import { validateCollisionCount, validateCounters, validateSelectorImmutable } from './apps.ts';
import { defaultPodTemplate } from './podDefaults.ts';
import type { Strategy } from './strategy.ts';

/** apps/v1 carries the internal spec.templateGeneration in this annotation. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

function defaults(ds: KubeObject): void {
  const spec = specOf(ds);
  const us = ensureObj(spec, 'updateStrategy');
  setDefaultString(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(obj(spec, 'template'));
}

function templateGeneration(ds: KubeObject): number {
  const v = Number(ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION]);
  return Number.isFinite(v) ? v : 0;
}

function setTemplateGeneration(ds: KubeObject, gen: number): void {
  ds.metadata.annotations = { ...(ds.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(gen) };
}

function prepareForCreate(ds: KubeObject): void {
  // The four counters below have no omitempty upstream, so a new DaemonSet shows them as 0.
  resetStatus(ds, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  if (templateGeneration(ds) < 1) setTemplateGeneration(ds, 1);
}

function prepareForUpdate(ds: KubeObject, old: KubeObject): void {
  keepOldStatus(ds, old);
  // Compare defaulted templates, so omitting defaulted fields is not a template change.
  defaults(ds);
  // templateGeneration moves only with the template (the registry bumps metadata.generation).
  const changed = !semanticEqual(obj(specOf(ds), 'template'), obj(obj(old, 'spec'), 'template'));
  setTemplateGeneration(ds, templateGeneration(old) + (changed ? 1 : 0));
}

function validate(ds: KubeObject): Errs {
  const errs: Errs = [];
  validateDaemonSetSpec(errs, specOf(ds));
  return errs;
}

function validateUpdate(ds: KubeObject, old: KubeObject): Errs {
  const errs = validate(ds);
  validateSelectorImmutable(errs, ds, old);
  return errs;
}

function validateStatusUpdate(ds: KubeObject, old: KubeObject): Errs {
  const errs: Errs = [];
  validateCounters(errs, statusOf(ds), [
    'currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration',
    'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount',
  ], []);
  validateCollisionCount(errs, ds, old);
  return errs;
}

export const daemonSetStrategy: Strategy = {
  hasStatus: true,
  hasGeneration: true,
  defaults,
  prepareForCreate,
  prepareForUpdate,
  validate,
  validateUpdate,
  prepareForStatusUpdate: keepAllButStatus,
  validateStatusUpdate,
};
