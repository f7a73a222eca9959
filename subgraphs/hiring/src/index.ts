export { createHiring } from './createHiring';
export { loadHiringConfig, hiringConfigSchema, type HiringConfig } from './hiringConfig';
