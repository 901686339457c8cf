// Protobuf encoding of the Swagger 2.0 document as gnostic's `openapi.v2.Document`
// (github.com/google/gnostic-models openapiv2/OpenAPIv2.proto), which kubectl 1.27/1.28 fetch from
// /openapi/v2. Only the messages and fields our documents use are encoded; field numbers are the
// proto's. Vendor extensions and enum values are `Any{yaml}` as gnostic writes them.

import type { V2Document, V2Operation, V2Parameter, V2PathItem, V2Schema } from './documents.ts';

type Chunk = Buffer;

/** A message under construction: a list of already-encoded fields. */
class Msg {
  private parts: Chunk[] = [];
  private size = 0;

  private push(b: Chunk): void {
    this.parts.push(b);
    this.size += b.length;
  }

  private tag(field: number, wire: number): void {
    this.push(varint(field * 8 + wire));
  }

  string(field: number, v: string | undefined): this {
    if (v === undefined || v === '') return this;
    const b = Buffer.from(v, 'utf8');
    this.tag(field, 2);
    this.push(varint(b.length));
    this.push(b);
    return this;
  }

  strings(field: number, vs: readonly string[] | undefined): this {
    for (const v of vs ?? []) {
      const b = Buffer.from(v, 'utf8');
      this.tag(field, 2);
      this.push(varint(b.length));
      this.push(b);
    }
    return this;
  }

  bool(field: number, v: boolean | undefined): this {
    if (!v) return this;
    this.tag(field, 0);
    this.push(varint(1));
    return this;
  }

  message(field: number, m: Msg | undefined): this {
    if (!m) return this;
    const b = m.bytes();
    this.tag(field, 2);
    this.push(varint(b.length));
    this.push(b);
    return this;
  }

  messages(field: number, ms: Iterable<Msg>): this {
    for (const m of ms) this.message(field, m);
    return this;
  }

  bytes(): Buffer {
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

// ---------------------------------------------------------------------------------------------
// YAML for Any values: block style, strings always double-quoted (valid YAML, parsed as strings).

function yaml(v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]\n';
    return v.map((x) => {
      if (isPlainObject(x) && Object.keys(x).length > 0) {
        const inner = yaml(x, `${indent}  `);
        return `${indent}- ${inner.slice(indent.length + 2)}`;
      }
      return `${indent}- ${scalar(x)}\n`;
    }).join('');
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}\n';
    return keys.map((k) => {
      const x = v[k];
      if ((isPlainObject(x) && Object.keys(x).length > 0) || (Array.isArray(x) && x.length > 0)) {
        return `${indent}${k}:\n${yaml(x, `${indent}  `)}`;
      }
      return `${indent}${k}: ${scalar(x)}\n`;
    }).join('');
  }
  return `${scalar(v)}\n`;
}

function scalar(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (isPlainObject(v)) return '{}';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  return String(v);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any { yaml = 2 } */
const anyYaml = (v: unknown) => new Msg().string(2, yaml(v));

/** NamedAny { name = 1; value = 2 } for every `x-` key of an object. */
function vendorExtensions(o: object): Msg[] {
  const out: Msg[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('x-') && v !== undefined) out.push(new Msg().string(1, k).message(2, anyYaml(v)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Schema (field numbers of openapi.v2.Schema). */
function schema(s: V2Schema): Msg {
  const m = new Msg()
    .string(1, s.$ref)
    .string(2, s.format)
    .string(4, s.description)
    .bool(16, s.uniqueItems)
    .strings(19, s.required);
  for (const e of s.enum ?? []) m.message(20, anyYaml(e));
  if (s.additionalProperties) m.message(21, new Msg().message(1, schema(s.additionalProperties)));
  if (s.type) m.message(22, new Msg().strings(1, [s.type]));
  if (s.items) m.message(23, new Msg().message(1, schema(s.items)));
  if (s.properties) {
    const props = new Msg();
    for (const [name, p] of Object.entries(s.properties)) props.message(1, new Msg().string(1, name).message(2, schema(p)));
    m.message(25, props);
  }
  m.messages(31, vendorExtensions(s));
  return m;
}

/** ParametersItem { parameter = 1 } → Parameter { body_parameter = 1 | non_body_parameter = 2 }. */
function parameter(p: V2Parameter): Msg {
  let param: Msg;
  if (p.in === 'body') {
    // BodyParameter { description 1, name 2, in 3, required 4, schema 5 }
    const body = new Msg().string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required);
    if (p.schema) body.message(5, schema(p.schema));
    param = new Msg().message(1, body);
  } else if (p.in === 'path') {
    // PathParameterSubSchema { required 1, in 2, description 3, name 4, type 5, unique_items 19 }
    const sub = new Msg().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name).string(5, p.type).bool(19, p.uniqueItems);
    param = new Msg().message(2, new Msg().message(4, sub));
  } else {
    // QueryParameterSubSchema { required 1, in 2, description 3, name 4, type 6, unique_items 20 }
    const sub = new Msg().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name).string(6, p.type).bool(20, p.uniqueItems);
    param = new Msg().message(2, new Msg().message(3, sub));
  }
  return new Msg().message(1, param);
}

/** Operation { tags 1, description 3, operation_id 5, produces 6, consumes 7, parameters 8, responses 9, schemes 10, vendor_extension 13 } */
function operation(o: V2Operation): Msg {
  const responses = new Msg();
  for (const [code, r] of Object.entries(o.responses)) {
    // NamedResponseValue { name 1, value 2 } → ResponseValue { response 1 } → Response { description 1, schema 2 (SchemaItem { schema 1 }) }
    const resp = new Msg().string(1, r.description);
    if (r.schema) resp.message(2, new Msg().message(1, schema(r.schema)));
    responses.message(1, new Msg().string(1, code).message(2, new Msg().message(1, resp)));
  }
  return new Msg()
    .strings(1, o.tags)
    .string(3, o.description)
    .string(5, o.operationId)
    .strings(6, o.produces)
    .strings(7, o.consumes)
    .messages(8, (o.parameters ?? []).map(parameter))
    .message(9, responses)
    .strings(10, o.schemes)
    .messages(13, vendorExtensions(o));
}

const METHOD_FIELDS: [keyof V2PathItem, number][] = [['get', 2], ['put', 3], ['post', 4], ['delete', 5], ['patch', 8]];

function pathItem(item: V2PathItem): Msg {
  const m = new Msg();
  for (const [method, field] of METHOD_FIELDS) {
    const o = item[method] as V2Operation | undefined;
    if (o) m.message(field, operation(o));
  }
  m.messages(9, (item.parameters ?? []).map(parameter));
  return m;
}

/** Document { swagger 1, info 2, paths 8, definitions 9, security 12, security_definitions 13 } */
export function encodeV2Document(doc: V2Document): Buffer {
  const info = new Msg().string(1, doc.info.title).string(2, doc.info.version);
  const paths = new Msg();
  for (const [p, item] of Object.entries(doc.paths)) paths.message(2, new Msg().string(1, p).message(2, pathItem(item)));
  const defs = new Msg();
  for (const [name, s] of Object.entries(doc.definitions)) defs.message(1, new Msg().string(1, name).message(2, schema(s)));
  const secDefs = new Msg();
  for (const [name, d] of Object.entries(doc.securityDefinitions)) {
    // SecurityDefinitionsItem { api_key_security 2 } → ApiKeySecurity { type 1, name 2, in 3, description 4 }
    const key = new Msg().string(1, d.type).string(2, d.name).string(3, d.in).string(4, d.description);
    secDefs.message(1, new Msg().string(1, name).message(2, new Msg().message(2, key)));
  }
  const security = doc.security.map((req) => {
    // SecurityRequirement { additional_properties 1 } → NamedStringArray { name 1, value 2 (StringArray { value 1 }) }
    const m = new Msg();
    for (const [name, scopes] of Object.entries(req)) m.message(1, new Msg().string(1, name).message(2, new Msg().strings(1, scopes)));
    return m;
  });
  return new Msg()
    .string(1, doc.swagger)
    .message(2, info)
    .message(8, paths)
    .message(9, defs)
    .messages(12, security)
    .message(13, secDefs)
    .bytes();
}
