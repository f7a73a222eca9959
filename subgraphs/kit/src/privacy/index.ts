export * from './privacyProtocol';
export * from './exportResponder';
export * from './erasureHandler';
export * from './consentProjectionRecords';
export * from './retentionSweep';
export * from './erasureGuard';
