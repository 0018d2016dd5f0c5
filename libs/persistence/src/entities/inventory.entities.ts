import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A vCenter cluster. Ids are the vCenter managed object reference (domain-c7) or a scenario id. */
@Entity('clusters')
export class ClusterEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text', { default: 'default' }) vcenter!: string;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

@Entity('datastores')
export class DatastoreEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text', { default: 'default' }) vcenter!: string;
  @Column('double precision', { name: 'capacity_gb', default: 0 }) capacityGb!: number;
  @Column('double precision', { name: 'free_gb', default: 0 }) freeGb!: number;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

@Entity('hosts')
@Index(['clusterId'])
export class HostEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text', { default: 'default' }) vcenter!: string;
  @Column('text', { name: 'cluster_id', nullable: true }) clusterId!: string | null;
  @Column('double precision', { name: 'cpu_mhz' }) cpuMhz!: number;
  @Column('double precision', { name: 'mem_mb' }) memMb!: number;
  @Column('text', { array: true, default: () => "'{}'" }) datastores!: string[];
  @Column('text', { array: true, default: () => "'{}'" }) networks!: string[];
  @Column('double precision', { name: 'power_idle_w', default: 0 }) powerIdleW!: number;
  @Column('double precision', { name: 'power_peak_w', default: 0 }) powerPeakW!: number;
  /** TPM attestation as vCenter reports it; only `true` counts as attested. */
  @Column('boolean', { default: false }) attested!: boolean;
  @Column('boolean', { default: false }) maintenance!: boolean;
  @Column('boolean', { default: true }) connected!: boolean;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

/** A VM (or container, or process) with its layer, profile, sensitivity and shutdown policy. */
@Entity('components')
@Index(['hostId'])
@Index(['layer'])
export class ComponentEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text', { default: 'default' }) vcenter!: string;
  @Column('text', { default: 'vm' }) kind!: string;
  @Column('text', { default: 'medium' }) layer!: string;
  /** False when no Layershift.Layer tag was found and the layer is the default (shown as untagged). */
  @Column('boolean', { name: 'layer_tagged', default: false }) layerTagged!: boolean;
  @Column('text', { name: 'host_id', nullable: true }) hostId!: string | null;
  @Column('double precision', { name: 'cpu_mhz', default: 0 }) cpuMhz!: number;
  @Column('double precision', { name: 'mem_mb', default: 0 }) memMb!: number;
  @Column('double precision', { name: 'io_mbps', nullable: true }) ioMBps!: number | null;
  @Column('double precision', { name: 'disk_gb', nullable: true }) diskGb!: number | null;
  @Column('text', { array: true, default: () => "'{}'" }) datastores!: string[];
  @Column('text', { array: true, default: () => "'{}'" }) networks!: string[];
  @Column('boolean', { default: false }) sensitive!: boolean;
  @Column('text', { name: 'shutdown_policy', default: 'guest' }) shutdownPolicy!: string;
  @Column('text', { name: 'depends_on', array: true, default: () => "'{}'" }) dependsOn!: string[];
  @Column('text', { name: 'anti_affinity', nullable: true }) antiAffinity!: string | null;
  @Column('boolean', { name: 'powered_on', default: true }) poweredOn!: boolean;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

/** Where an incremental inventory sync left off (PropertyCollector version), so a restart resumes. */
@Entity('sync_state')
export class SyncStateEntity {
  @PrimaryColumn('text') vcenter!: string;
  @PrimaryColumn('text') stream!: string;
  @Column('text') version!: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}
