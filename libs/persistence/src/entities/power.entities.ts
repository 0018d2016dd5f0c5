import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A UPS of the power topology; address/sysName/serial let a trap or poll be mapped to it. */
@Entity('ups')
export class UpsEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { nullable: true }) name!: string | null;
  @Column('text', { nullable: true }) address!: string | null;
  @Column('text', { name: 'sys_name', nullable: true }) sysName!: string | null;
  @Column('text', { nullable: true }) serial!: string | null;
  @Column('double precision', { name: 'capacity_w' }) capacityW!: number;
  @Column('boolean', { name: 'on_battery', default: false }) onBattery!: boolean;
  @Column('double precision', { name: 'runtime_seconds', default: 0 }) runtimeSeconds!: number;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

@Entity('pdus')
export class PduEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'ups_id' }) upsId!: string;
  @Column('text', { nullable: true }) address!: string | null;
  @Column('text', { name: 'sys_name', nullable: true }) sysName!: string | null;
  @Column('text', { nullable: true }) serial!: string | null;
  @Column('double precision', { name: 'capacity_w' }) capacityW!: number;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

/** Which host hangs on which PDU (a host with dual feeds has two rows). */
@Entity('host_feeds')
export class HostFeedEntity {
  @PrimaryColumn('text', { name: 'host_id' }) hostId!: string;
  @PrimaryColumn('text', { name: 'pdu_id' }) pduId!: string;
}

/** Every raw input exactly as it arrived (trap varbinds, alarm-action body, poll result), stored before decoding. */
@Entity('raw_events')
@Index(['receivedAt'])
export class RawEventEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') source!: string;
  @Column('text', { name: 'remote_address', nullable: true }) remoteAddress!: string | null;
  @Column('jsonb') payload!: unknown;
  /** accepted | duplicate | rejected | unknown */
  @Column('text') outcome!: string;
  @Column('text', { nullable: true }) reason!: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'received_at' }) receivedAt!: Date;
}

/** A normalised power or capacity event; repeated traps update one open event (dedup_key) instead of opening more. */
@Entity('power_events')
@Index(['dedupKey', 'status'])
@Index(['openedAt'])
export class PowerEventEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'raw_event_id', nullable: true }) rawEventId!: string | null;
  @Column('text') kind!: string;
  @Column('text') source!: string;
  @Column('text') device!: string;
  @Column('text', { name: 'device_kind' }) deviceKind!: string;
  @Column('text', { name: 'dedup_key' }) dedupKey!: string;
  /** open | closed */
  @Column('text', { default: 'open' }) status!: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('double precision', { name: 'runtime_seconds', nullable: true }) runtimeSeconds!: number | null;
  @Column('double precision', { name: 'seconds_on_battery', nullable: true }) secondsOnBattery!:
    number | null;
  @Column('double precision', { name: 'load_percent', nullable: true }) loadPercent!: number | null;
  @Column('text', { default: '' }) detail!: string;
  @Column('integer', { name: 'repeat_count', default: 1 }) repeatCount!: number;
  @Column('jsonb', { nullable: true }) raw!: unknown;
  @CreateDateColumn({ type: 'timestamptz', name: 'opened_at' }) openedAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
}

/** A vCenter event read from an EventHistoryCollector, stored once per (vcenter, key). */
@Entity('vcenter_events')
@Index(['vcenter', 'key'], { unique: true })
export class VcenterEventEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') vcenter!: string;
  @Column('bigint') key!: string;
  @Column('text') type!: string;
  @Column('timestamptz', { name: 'created_time' }) createdTime!: Date;
  @Column('text', { name: 'object_id', nullable: true }) objectId!: string | null;
  @Column('text', { default: '' }) message!: string;
  @Column('jsonb') payload!: unknown;
  @CreateDateColumn({ type: 'timestamptz', name: 'stored_at' }) storedAt!: Date;
}
