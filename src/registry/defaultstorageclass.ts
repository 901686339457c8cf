// DefaultStorageClass admission (upstream plugin/pkg/admission/storage/storageclass/setdefault):
// a new claim that names no class (storageClassName unset and no beta class annotation) gets
// the cluster's default class, the one annotated is-default-class "true"; with several, the
// newest. A claim with storageClassName "" asks for no class and keeps it.

import type { GenericRegistry, ResourceHooks } from './generic.ts';
import { allFields, everything } from './selection.ts';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export function defaultStorageClassAdmission(classes: () => GenericRegistry): ResourceHooks {
  const defaultClass = (): string | undefined => {
    let best: { name: string; created: string } | undefined;
    for (const e of classes().list(undefined, { label: everything, field: allFields }).items) {
      const meta = e.object.metadata;
      const ann = meta.annotations ?? {};
      if (ann[DEFAULT_CLASS_ANNOTATION] !== 'true' && ann[BETA_DEFAULT_CLASS_ANNOTATION] !== 'true') continue;
      const c = { name: meta.name ?? '', created: meta.creationTimestamp ?? '' };
      if (!best || c.created > best.created || (c.created === best.created && c.name < best.name)) best = c;
    }
    return best?.name;
  };
  return {
    beforeCreate(obj) {
      const spec = obj.spec as { storageClassName?: string | null } | undefined;
      if (!spec || (spec.storageClassName !== undefined && spec.storageClassName !== null)) return;
      if (obj.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined) return;
      const name = defaultClass();
      if (name !== undefined) spec.storageClassName = name;
    },
  };
}
