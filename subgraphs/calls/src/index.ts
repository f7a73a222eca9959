export { createCalls, type CallsOptions, type CallsService } from './createCalls';
export { loadCallsConfig, callsConfigSchema, type CallsConfig } from './callsConfig';
