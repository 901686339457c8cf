// Kubernetes protobuf request bodies (kubectl 1.32+ typed-client writes), decoded into JSON objects.

export {
  PROTOBUF_MEDIA_TYPE, type DecodedBody, decodeProtobufBody, decodeProtobufMessage, isProtobufEnvelope,
  formatDuration, formatMicroTime, formatTime,
} from './decode.ts';
export { knownKinds, schemaForKind } from './schema.ts';
