// core/v1 PodTemplate: a named pod template (its generation moves with the template).

import type { Errs } from '../validation/fields.ts';
import { validatePodTemplateSpec } from '../validation/podspec.ts';
import type { KubeObject } from '../object.ts';
import { defaultPodTemplate } from './podDefaults.ts';
import type { Strategy } from './strategy.ts';

function validate(pt: KubeObject): Errs {
  const errs: Errs = [];
  validatePodTemplateSpec(errs, 'template', pt.template);
  return errs;
}

export const podTemplateStrategy: Strategy = {
  hasGeneration: true,
  defaults: (pt) => defaultPodTemplate(pt.template),
  validate,
  validateUpdate: (pt) => validate(pt),
};
