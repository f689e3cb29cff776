export { type Bridge, type BridgeExchange, type BridgeOptions, bridgeUrls, startBridge } from './server.js';
export type { ProtocolName, RequestedReasoning } from './protocol.js';
