/** OpenTelemetry in, findings out: the OTLP/HTTP trace receiver, the GenAI span mapping and the finding sinks. */
export { decodeTraceRequest, encodingOf, OtlpInputError, type OtlpEncoding } from './decode.js';
export { createOtlpMapper, type OtlpMapOptions, type OtlpMapper, type OtlpMapStats } from './map.js';
export { encodeTraceRequestProto } from './proto.js';
export {
  createOtlpReceiverApp,
  startOtlpReceiver,
  DEFAULT_MAX_BODY_BYTES,
  type OtlpReceiverOptions,
  type OtlpReceiverStats,
  type RunningOtlpReceiver,
} from './receiver.js';
export { OtlpTraceRequest } from './schema.js';
export {
  fanOut,
  jsonlSink,
  otelLogSink,
  webhookSink,
  type FindingSink,
  type OtelLogOptions,
  type SinkErrorHandler,
  type WebhookOptions,
} from './sinks.js';
