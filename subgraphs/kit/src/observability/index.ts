export * from './requestScope';
export * from './serviceMetrics';
export * from './tracing';
export * from './faultInjection';
export * from './guardHook';
