// The per-resource questions the generic registry asks (upstream's RESTCreateStrategy,
// RESTUpdateStrategy, RESTDeleteStrategy and field selectors), answered once per resource.

import type { FieldError } from '../../server/errors.ts';
import type { KubeObject } from '../object.ts';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export interface Strategy {
  /** The resource has a status subresource: main-resource writes keep the old status, status writes keep the old spec. */
  readonly hasStatus?: boolean;
  /** metadata.generation starts at 1 and increases on every change outside metadata and status. */
  readonly hasGeneration?: boolean;
  /** Object names must be DNS-1123 labels (namespaces, services) instead of subdomains. */
  readonly nameIsLabel?: boolean;
  /** Name validation other than DNS subdomain/label (e.g. path-segment names for events). */
  validateName?(name: string): string[];

  /** Upstream's SetDefaults_* for the kind (also run on the result of updates and patches). */
  defaults?(obj: KubeObject): void;
  /** Reset fields a client may not set on create (e.g. status). Runs before validation. */
  prepareForCreate?(obj: KubeObject): void;
  /** Carry over fields a client may not change on update. Runs before validation. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Validation of the whole object on create, beyond ObjectMeta. Field paths as upstream ("spec.containers[0].image"). */
  validate?(obj: KubeObject): FieldError[];
  /** Validation on update: validate plus immutability rules. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Status-subresource update: carry over all but status, then validate. */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** pods/ephemeralcontainers update: carry over all but spec.ephemeralContainers, then validate (only additions). */
  prepareForEphemeralContainersUpdate?(obj: KubeObject, old: KubeObject): void;
  validateEphemeralContainersUpdate?(obj: KubeObject, old: KubeObject): FieldError[];

  /** Field-selectable fields beyond metadata.name and metadata.namespace (upstream's GetAttrs / SelectableFields). */
  selectableFields?(obj: KubeObject): Record<string, string>;

  /**
   * Graceful deletion (upstream CheckGracefulDelete). Returns the grace period in seconds
   * to wait before the object is removed, or 0 to delete at once.
   */
  gracePeriod?(obj: KubeObject, options: DeleteOptions): number;

  /**
   * Field labels of the served version and the stored field each selects (upstream's field
   * label conversion funcs), when the stored form differs from the served one.
   */
  readonly fieldLabelConversion?: Readonly<Record<string, string>>;

  /** The stored form differs from the served one (events.k8s.io/v1 Event is served from core Events). */
  toStorage?(obj: KubeObject): KubeObject;
  fromStorage?(obj: KubeObject): KubeObject;
}
