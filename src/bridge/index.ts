export { type Bridge, type BridgeExchange, type BridgeOptions, startBridge } from './server.js';
export type { ProtocolName, RequestedReasoning } from './protocol.js';
