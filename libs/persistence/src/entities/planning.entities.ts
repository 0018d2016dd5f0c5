import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

/** One run of the planner on a snapshot: the scenario it saw and why it ran. */
@Entity('audits')
@Index(['createdAt'])
export class AuditEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** power-event | forecast | schedule | operator | alarm-action */
  @Column('text') trigger!: string;
  @Column('uuid', { name: 'power_event_id', nullable: true }) powerEventId!: string | null;
  @Column('text', { name: 'scenario_hash' }) scenarioHash!: string;
  @Column('jsonb') scenario!: unknown;
  @Column('text', { name: 'requested_by', nullable: true }) requestedBy!: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

/** A plan as the planner returned it (the SCENARIO.md document) plus its approval state. */
@Entity('plans')
@Index(['auditId'])
export class PlanEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'audit_id' }) auditId!: string;
  @Column('jsonb') document!: unknown;
  /** proposed | approved | executing | succeeded | failed | cancelled | superseded */
  @Column('text', { default: 'proposed' }) state!: string;
  @Column('text', { name: 'approved_by', nullable: true }) approvedBy!: string | null;
  @Column('timestamptz', { name: 'approved_at', nullable: true }) approvedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  @VersionColumn() version!: number;
}

/** One action of a plan; `idempotency_key` makes re-queuing the same action a no-op. */
@Entity('actions')
@Index(['planId', 'seq'], { unique: true })
@Index(['state'])
export class ActionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'plan_id' }) planId!: string;
  @Column('integer') seq!: number;
  @Column('integer') wave!: number;
  @Column('text') kind!: string;
  @Column('text', { name: 'component_id', nullable: true }) componentId!: string | null;
  @Column('text', { name: 'host_id', nullable: true }) hostId!: string | null;
  @Column('text', { name: 'from_host', nullable: true }) fromHost!: string | null;
  @Column('text', { name: 'to_host', nullable: true }) toHost!: string | null;
  @Column('text', { name: 'to_datastores', array: true, nullable: true }) toDatastores!: string[] | null;
  @Column('text', { nullable: true }) mode!: string | null;
  @Column('double precision', { name: 'start_seconds' }) startSeconds!: number;
  @Column('double precision', { name: 'end_seconds' }) endSeconds!: number;
  @Column('text') reason!: string;
  @Column('text', { default: 'proposed' }) state!: string;
  @Column('text', { name: 'idempotency_key', unique: true }) idempotencyKey!: string;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  @VersionColumn() version!: number;
}

/** Each try of an action against vCenter, with the vCenter task id and how it ended. */
@Entity('action_attempts')
@Index(['actionId', 'attempt'], { unique: true })
export class ActionAttemptEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'action_id' }) actionId!: string;
  @Column('integer') attempt!: number;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt!: Date | null;
  @Column('text', { name: 'vcenter_task_id', nullable: true }) vcenterTaskId!: string | null;
  /** running | succeeded | failed | refused */
  @Column('text') outcome!: string;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('jsonb', { name: 'precheck', nullable: true }) precheck!: unknown;
}

/** One perf sample of one metric of one component (or host), from vCenter's PerformanceManager. */
@Entity('metric_samples')
@Index(['ts'])
export class MetricSampleEntity {
  @PrimaryColumn('text', { name: 'entity_id' }) entityId!: string;
  @PrimaryColumn('text') metric!: string;
  @PrimaryColumn('timestamptz') ts!: Date;
  @Column('double precision') value!: number;
}

/** A trained model: which scope and key, trained on which window, with what error. */
@Entity('forecast_models')
@Index(['scope', 'key', 'metric', 'horizonSeconds'])
export class ForecastModelEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** component | layer | host | cluster */
  @Column('text') scope!: string;
  @Column('text') key!: string;
  @Column('text') metric!: string;
  @Column('integer', { name: 'horizon_seconds' }) horizonSeconds!: number;
  @Column('timestamptz', { name: 'trained_from' }) trainedFrom!: Date;
  @Column('timestamptz', { name: 'trained_to' }) trainedTo!: Date;
  @Column('jsonb') model!: unknown;
  @Column('jsonb', { nullable: true }) error!: unknown;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
}

@Entity('forecasts')
@Index(['scope', 'key', 'metric', 'targetAt'])
export class ForecastEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') scope!: string;
  @Column('text') key!: string;
  @Column('text') metric!: string;
  @Column('integer', { name: 'horizon_seconds' }) horizonSeconds!: number;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt!: Date;
  @Column('timestamptz', { name: 'target_at' }) targetAt!: Date;
  @Column('double precision') point!: number;
  @Column('double precision') lower!: number;
  @Column('double precision') upper!: number;
  /** the forecast of the mean (HorizonForecast.expected); null on rows from before it: read the point */
  @Column('double precision', { nullable: true }) expected!: number | null;
  @Column('uuid', { name: 'model_id', nullable: true }) modelId!: string | null;
  /** model | fallback:<baseline> — a component with too little history says so. */
  @Column('text', { default: 'model' }) method!: string;
}

/**
 * The append-only record of who did what and why (plan approved, action sent, task ended).
 * A database trigger refuses UPDATE and DELETE so history cannot be rewritten.
 */
@Entity('audit_log')
@Index(['subjectType', 'subjectId'])
export class AuditLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @CreateDateColumn({ type: 'timestamptz' }) at!: Date;
  @Column('text') actor!: string;
  @Column('text') action!: string;
  @Column('text', { name: 'subject_type' }) subjectType!: string;
  @Column('text', { name: 'subject_id' }) subjectId!: string;
  @Column('jsonb', { default: () => "'{}'" }) detail!: unknown;
}

/** An operator's window of anticipated work (libs/domain WorkWindow), replaced as a whole document. */
@Entity('work_windows')
export class WorkWindowEntity {
  @PrimaryColumn('text') id!: string;
  /** batch | maintenance */
  @Column('text') kind!: string;
  /** the whole window as the operator wrote it (validated by parseWorkWindows) */
  @Column('jsonb') spec!: unknown;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}
