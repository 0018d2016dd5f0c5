/** Injection tokens of the platform providers (plain symbols: no class to import across apps). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const REDIS = Symbol('REDIS');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
