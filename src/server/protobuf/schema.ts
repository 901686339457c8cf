// Parses the compact schema notation of schema-table.ts into per-message field tables indexed by
// field number. Done once at module load; a typo in the table fails loudly here (and in tests).

import { ANY_VERSION_KINDS, KINDS, MESSAGES } from './schema-table.ts';

// Field value types.
export const T_STRING = 0;
export const T_BOOL = 1;
export const T_INT32 = 2;
export const T_INT64 = 3;
export const T_DOUBLE = 4;
export const T_BYTES = 5;
export const T_MESSAGE = 6;
export const T_TIME = 7;
export const T_MICROTIME = 8;
export const T_DURATION = 9;
export const T_QUANTITY = 10;
export const T_INTORSTRING = 11;
export const T_RAWEXTENSION = 12;
export const T_FIELDSV1 = 13;
export const T_STRINGLIST = 14;

const TYPE_CODES: Readonly<Record<string, number>> = {
  s: T_STRING, b: T_BOOL, i: T_INT32, l: T_INT64, d: T_DOUBLE, y: T_BYTES,
  T: T_TIME, MT: T_MICROTIME, D: T_DURATION, Q: T_QUANTITY, IS: T_INTORSTRING,
  RE: T_RAWEXTENSION, F: T_FIELDSV1, SL: T_STRINGLIST,
};

/** Whether a type is a plain scalar whose zero value may be dropped (see `!` in the table). */
export const isScalar = (t: number): boolean => t <= T_DOUBLE;

export interface FieldSpec {
  readonly number: number;
  /** JSON property name; '' for an inline (embedded) message. */
  readonly json: string;
  readonly type: number;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly inline: boolean;
  /** Scalars only: a zero value is kept (pointer or non-omitempty Go field). */
  readonly keepZero: boolean;
  /** A singular scalar whose zero value JSON omits (scalar and not keepZero). */
  readonly dropZero: boolean;
  /** T_MESSAGE only. */
  readonly message: MessageSpec | undefined;
}

export interface MessageSpec {
  readonly name: string;
  /** Indexed by field number; holes are unknown fields. */
  readonly fields: readonly (FieldSpec | undefined)[];
}

type MutableField = { -readonly [K in keyof FieldSpec]: FieldSpec[K] };

const FIELD_RE = /^([A-Za-z][A-Za-z0-9]*|\.\.\.)=([1-9][0-9]*)(?::(\[\]|\{\})?([A-Za-z][A-Za-z0-9.]*))?(!)?$/;

function parseTable(): Map<string, MessageSpec> {
  const specs = new Map<string, MessageSpec>();
  const pending: { field: MutableField; ref: string; owner: string }[] = [];
  for (const [name, text] of Object.entries(MESSAGES)) {
    const fields: (FieldSpec | undefined)[] = [];
    const seen = new Set<string>();
    for (const tok of text.trim().split(/\s+/)) {
      const m = FIELD_RE.exec(tok);
      if (!m) throw new Error(`protobuf schema ${name}: bad field "${tok}"`);
      const [, jsonName, num, shape, typeName = 's', bang] = m;
      const number = Number(num);
      const type = Object.hasOwn(TYPE_CODES, typeName) ? TYPE_CODES[typeName] : T_MESSAGE;
      const inline = jsonName === '...';
      const field: MutableField = {
        number,
        json: inline ? '' : jsonName,
        type,
        repeated: shape === '[]',
        map: shape === '{}',
        inline,
        keepZero: bang === '!',
        dropZero: isScalar(type) && bang !== '!',
        message: undefined,
      };
      if (fields[number] !== undefined) throw new Error(`protobuf schema ${name}: field number ${number} twice`);
      if (!inline && seen.has(jsonName)) throw new Error(`protobuf schema ${name}: field ${jsonName} twice`);
      if (field.keepZero && !isScalar(type)) throw new Error(`protobuf schema ${name}.${jsonName}: "!" on a non-scalar`);
      if (inline && (type !== T_MESSAGE || shape)) throw new Error(`protobuf schema ${name}: inline field must be a single message`);
      seen.add(jsonName);
      fields[number] = field;
      if (type === T_MESSAGE) pending.push({ field, ref: typeName, owner: name });
    }
    specs.set(name, { name, fields });
  }
  for (const { field, ref, owner } of pending) {
    const target = specs.get(ref);
    if (!target) throw new Error(`protobuf schema ${owner}: unknown message ${ref}`);
    field.message = target;
  }
  return specs;
}

// Compiled on first use: startup should not pay for a decoder most servers rarely need.
let compiled: { specs: Map<string, MessageSpec>; byKind: Map<string, MessageSpec>; byAnyVersionKind: Map<string, MessageSpec> } | undefined;

function tables() {
  if (!compiled) {
    const specs = parseTable();
    compiled = { specs, byKind: kindTable(specs, KINDS), byAnyVersionKind: kindTable(specs, ANY_VERSION_KINDS) };
  }
  return compiled;
}

function kindTable(specs: Map<string, MessageSpec>, table: Readonly<Record<string, string>>): Map<string, MessageSpec> {
  const out = new Map<string, MessageSpec>();
  for (const [key, msg] of Object.entries(table)) {
    const spec = specs.get(msg);
    if (!spec) throw new Error(`protobuf schema: kind ${key} names unknown message ${msg}`);
    out.set(key, spec);
  }
  return out;
}

/** The message schema of a named message of the table. */
export function messageSpec(name: string): MessageSpec | undefined {
  return tables().specs.get(name);
}

/** The message schema for an envelope's apiVersion and kind; undefined when Skiff has none. */
export function schemaForKind(apiVersion: string, kind: string): MessageSpec | undefined {
  const t = tables();
  return t.byKind.get(`${apiVersion}/${kind}`) ?? t.byAnyVersionKind.get(kind);
}

/** Every apiVersion/kind with a schema, e.g. "apps/v1/Deployment" (plus "*\/DeleteOptions"). */
export function knownKinds(): string[] {
  const t = tables();
  return [...t.byKind.keys(), ...[...t.byAnyVersionKind.keys()].map((k) => `*/${k}`)];
}
