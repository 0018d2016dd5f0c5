export * from './layer';
export * from './scenario';
export * from './scenario-validator';
export * from './plan';
export * from './power-event';
export * from './action-state';
export * from './job-names';
export * from './validation';
