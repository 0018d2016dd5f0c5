export * from './types';
export * from './ups-mib';
export * from './powernet-mib';
export * from './xups-mib';
export * from './vmware-vc-event-mib';
