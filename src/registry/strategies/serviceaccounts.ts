// core/v1 ServiceAccount: secret references are reduced to their names on every write.

import { objects } from '../validation/json.ts';
import type { KubeObject } from '../object.ts';
import type { Strategy } from './strategy.ts';

function cleanSecretReferences(sa: KubeObject): void {
  if (!Array.isArray(sa.secrets)) return;
  sa.secrets = objects(sa, 'secrets').map(([s]) => (typeof s.name === 'string' ? { name: s.name } : {}));
}

export const serviceAccountStrategy: Strategy = {
  prepareForCreate: cleanSecretReferences,
  prepareForUpdate: (sa) => cleanSecretReferences(sa),
  validate: () => [],
  validateUpdate: () => [],
};

