export * from './config';
export * from './tokens';
export * from './auth';
export * from './platform.module';
export * from './health.controller';
export * from './metrics';
export * from './run-process';
