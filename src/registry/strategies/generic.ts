// Kinds stored as given until their own rules are written (jobs, ingresses, storage
// classes, ...): only the status/spec split and generation that every such kind has.

import type { Strategy } from './strategy.ts';
import type { KubeObject } from '../object.ts';
import { keepAllButStatus, keepOldStatus } from './common.ts';

export function genericStrategy(opts: { status: boolean; generation: boolean }): Strategy {
  if (!opts.status) return Object.freeze({ hasGeneration: opts.generation });
  return Object.freeze({
    hasStatus: true,
    hasGeneration: opts.generation,
    prepareForCreate(o: KubeObject) { delete o.status; },
    prepareForUpdate: keepOldStatus,
    prepareForStatusUpdate: keepAllButStatus,
  });
}

/** group/plural of each such kind, with whether it has status and bumps generation as upstream. */
export const GENERIC_KINDS: readonly [string, { status: boolean; generation: boolean }][] = [
  ['admissionregistration.k8s.io/mutatingwebhookconfigurations', { status: false, generation: true }],
  ['admissionregistration.k8s.io/validatingwebhookconfigurations', { status: false, generation: true }],
  ['apiextensions.k8s.io/customresourcedefinitions', { status: true, generation: true }],
  ['apiregistration.k8s.io/apiservices', { status: true, generation: false }],
  ['autoscaling/horizontalpodautoscalers', { status: true, generation: true }],
  ['batch/cronjobs', { status: true, generation: true }],
  ['batch/jobs', { status: true, generation: true }],
  ['certificates.k8s.io/certificatesigningrequests', { status: true, generation: false }],
  ['networking.k8s.io/ingressclasses', { status: false, generation: true }],
  ['networking.k8s.io/ingresses', { status: true, generation: true }],
  ['networking.k8s.io/networkpolicies', { status: false, generation: true }],
  ['node.k8s.io/runtimeclasses', { status: false, generation: false }],
  ['policy/poddisruptionbudgets', { status: true, generation: true }],
  ['scheduling.k8s.io/priorityclasses', { status: false, generation: false }],
  ['storage.k8s.io/csidrivers', { status: false, generation: false }],
  ['storage.k8s.io/csinodes', { status: false, generation: false }],
  ['storage.k8s.io/volumeattachments', { status: true, generation: false }],
];
