// Every failure the API returns is a metav1.Status built here, with upstream's code and reason.

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict'
  | 'Gone' | 'Invalid' | 'Expired' | 'MethodNotAllowed' | 'NotAcceptable'
  | 'UnsupportedMediaType' | 'RequestEntityTooLarge' | 'InternalError' | 'Timeout'
  | 'TooManyRequests' | 'ServiceUnavailable';

export interface StatusCause { reason: string; message: string; field?: string }

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** The qualified resource as upstream prints it in messages: "pods", "deployments.apps". */
export interface QualifiedResource { group: string; resource: string }

const qualified = (r: QualifiedResource) => (r.group ? `${r.resource}.${r.group}` : r.resource);

export const notFound = (r: QualifiedResource, name: string) =>
  new StatusError(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.resource });

export const alreadyExists = (r: QualifiedResource, name: string) =>
  new StatusError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: r.resource });

export const conflict = (r: QualifiedResource, name: string, why: string) =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, { name, group: r.group, kind: r.resource });

export const optimisticLockConflict = (r: QualifiedResource, name: string) =>
  conflict(r, name, 'the object has been modified; please apply your changes to the latest version and try again');

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);

export const unauthorized = () => new StatusError(401, 'Unauthorized', 'Unauthorized');

export const forbidden = (message: string) => new StatusError(403, 'Forbidden', message);

export const expired = (message: string) => new StatusError(410, 'Expired', message);

export const gone = (message: string) => new StatusError(410, 'Gone', message);

export const methodNotAllowed = (verb: string, what: string) =>
  new StatusError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${what}"`);

export const unsupportedMediaType = (contentType: string) =>
  new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json${contentType ? ` (got ${contentType})` : ''}`);

export const notAcceptable = (accept: string) =>
  new StatusError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml (got ${accept})`);

export const requestEntityTooLarge = (limit: number) =>
  new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);

export const internalError = (message: string) =>
  new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);

export const serviceUnavailable = (message: string) => new StatusError(503, 'ServiceUnavailable', message);

export const pathNotFound = () =>
  // Upstream's NotFound handler answers with errors.NewNotFound of no resource: its details are there but empty.
  new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});

/** 422 Invalid, message formatted as upstream's errors.NewInvalid. */
export function invalid(kind: string, group: string, name: string, causes: FieldError[]): StatusError {
  const parts = causes.map(fieldErrorString);
  const msg = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${msg}`, {
    name,
    group,
    kind,
    causes: causes.map((c) => ({ reason: c.type, message: fieldErrorDetail(c), field: c.field })),
  });
}

// field.Error of apimachinery/pkg/util/validation/field, with its ErrorType as the cause reason.
export type FieldErrorType =
  | 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueForbidden'
  | 'FieldValueDuplicate' | 'FieldValueTooLong' | 'FieldValueTooMany' | 'FieldValueNotFound' | 'InternalError';

export interface FieldError { type: FieldErrorType; field: string; value?: unknown; detail?: string; supported?: string[] }

const typeText: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
};

function valueText(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function fieldErrorDetail(e: FieldError): string {
  const hasValue = e.type === 'FieldValueInvalid' || e.type === 'FieldValueNotSupported' || e.type === 'FieldValueDuplicate';
  let s = typeText[e.type];
  if (hasValue) s += `: ${valueText(e.value)}`;
  if (e.type === 'FieldValueNotSupported' && e.supported) {
    s += `: supported values: ${e.supported.map((x) => JSON.stringify(x)).join(', ')}`;
  } else if (e.detail) {
    s += `: ${e.detail}`;
  }
  return s;
}

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorDetail(e)}`;
}

export const fieldRequired = (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const fieldInvalid = (field: string, value: unknown, detail?: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const fieldNotSupported = (field: string, value: unknown, supported: string[]): FieldError => ({ type: 'FieldValueNotSupported', field, value, supported });
export const fieldForbidden = (field: string, detail?: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const fieldDuplicate = (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value });
export const fieldTooLong = (field: string, value: unknown, max: number): FieldError => ({ type: 'FieldValueTooLong', field, value, detail: `must have at most ${max} bytes` });

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

export function toStatusError(e: unknown): StatusError {
  if (e instanceof StatusError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return internalError(msg);
}
