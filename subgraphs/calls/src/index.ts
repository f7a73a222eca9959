export { createCalls } from './createCalls';
export { loadCallsConfig, callsConfigSchema, type CallsConfig } from './callsConfig';
