import {
  ClusterEntity,
  ComponentEntity,
  DatastoreEntity,
  HostEntity,
  SyncStateEntity,
} from './inventory.entities';
import {
  ActionAttemptEntity,
  ActionEntity,
  AuditEntity,
  AuditLogEntity,
  ForecastEntity,
  ForecastModelEntity,
  MetricSampleEntity,
  PlanEntity,
  WorkWindowEntity,
} from './planning.entities';
import {
  HostFeedEntity,
  PduEntity,
  PowerEventEntity,
  RawEventEntity,
  UpsEntity,
  VcenterEventEntity,
} from './power.entities';

export * from './inventory.entities';
export * from './planning.entities';
export * from './power.entities';

export const ENTITIES = [
  ClusterEntity,
  DatastoreEntity,
  HostEntity,
  ComponentEntity,
  SyncStateEntity,
  UpsEntity,
  PduEntity,
  HostFeedEntity,
  RawEventEntity,
  PowerEventEntity,
  VcenterEventEntity,
  AuditEntity,
  PlanEntity,
  ActionEntity,
  ActionAttemptEntity,
  MetricSampleEntity,
  ForecastModelEntity,
  ForecastEntity,
  AuditLogEntity,
  WorkWindowEntity,
];
