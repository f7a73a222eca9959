export { createConsent } from './createConsent';
export { loadConsentConfig, consentConfigSchema, type ConsentConfig } from './consentConfig';
