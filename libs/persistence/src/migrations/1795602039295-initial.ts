import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The first schema: inventory, power topology and events, audits, plans, actions, metrics, forecasts, audit log. */
export class Initial1795602039295 implements MigrationInterface {
  name = 'Initial1795602039295';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"');
    await queryRunner.query(
      'CREATE TABLE "clusters" ("id" text NOT NULL, "name" text NOT NULL, "vcenter" text NOT NULL DEFAULT \'default\', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_56c8e201f375e1e961dcdd6831c" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "datastores" ("id" text NOT NULL, "name" text NOT NULL, "vcenter" text NOT NULL DEFAULT \'default\', "capacity_gb" double precision NOT NULL DEFAULT \'0\', "free_gb" double precision NOT NULL DEFAULT \'0\', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2d13eda1be1a72250f8bf02e6c2" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "hosts" ("id" text NOT NULL, "name" text NOT NULL, "vcenter" text NOT NULL DEFAULT \'default\', "cluster_id" text, "cpu_mhz" double precision NOT NULL, "mem_mb" double precision NOT NULL, "datastores" text array NOT NULL DEFAULT \'{}\', "networks" text array NOT NULL DEFAULT \'{}\', "power_idle_w" double precision NOT NULL DEFAULT \'0\', "power_peak_w" double precision NOT NULL DEFAULT \'0\', "attested" boolean NOT NULL DEFAULT false, "maintenance" boolean NOT NULL DEFAULT false, "connected" boolean NOT NULL DEFAULT true, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c4bcf0826e0e2847faee4da1746" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_64eeae82f5061df2b85c154a7a" ON "hosts" ("cluster_id") ');
    await queryRunner.query(
      'CREATE TABLE "components" ("id" text NOT NULL, "name" text NOT NULL, "vcenter" text NOT NULL DEFAULT \'default\', "kind" text NOT NULL DEFAULT \'vm\', "layer" text NOT NULL DEFAULT \'medium\', "layer_tagged" boolean NOT NULL DEFAULT false, "host_id" text, "cpu_mhz" double precision NOT NULL DEFAULT \'0\', "mem_mb" double precision NOT NULL DEFAULT \'0\', "io_mbps" double precision, "disk_gb" double precision, "datastores" text array NOT NULL DEFAULT \'{}\', "networks" text array NOT NULL DEFAULT \'{}\', "sensitive" boolean NOT NULL DEFAULT false, "shutdown_policy" text NOT NULL DEFAULT \'guest\', "depends_on" text array NOT NULL DEFAULT \'{}\', "anti_affinity" text, "powered_on" boolean NOT NULL DEFAULT true, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0d742661c63926321b5f5eac1ad" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_e69d73e5f8c1a08baee602d479" ON "components" ("layer") ');
    await queryRunner.query('CREATE INDEX "IDX_63b1414f01d5163036ebbc427a" ON "components" ("host_id") ');
    await queryRunner.query(
      'CREATE TABLE "sync_state" ("vcenter" text NOT NULL, "stream" text NOT NULL, "version" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_180c6abb1d7f84eb2ed11b46c75" PRIMARY KEY ("vcenter", "stream"))',
    );
    await queryRunner.query(
      'CREATE TABLE "audits" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "trigger" text NOT NULL, "power_event_id" uuid, "scenario_hash" text NOT NULL, "scenario" jsonb NOT NULL, "requested_by" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b2d7a2089999197dc7024820f28" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_b3be7ec49dcb41083295ab9761" ON "audits" ("created_at") ');
    await queryRunner.query(
      'CREATE TABLE "plans" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "audit_id" uuid NOT NULL, "document" jsonb NOT NULL, "state" text NOT NULL DEFAULT \'proposed\', "approved_by" text, "approved_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_3720521a81c7c24fe9b7202ba61" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_f949206964fd4d44cdd3a1690a" ON "plans" ("audit_id") ');
    await queryRunner.query(
      'CREATE TABLE "actions" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "plan_id" uuid NOT NULL, "seq" integer NOT NULL, "wave" integer NOT NULL, "kind" text NOT NULL, "component_id" text, "host_id" text, "from_host" text, "to_host" text, "to_datastores" text array, "mode" text, "start_seconds" double precision NOT NULL, "end_seconds" double precision NOT NULL, "reason" text NOT NULL, "state" text NOT NULL DEFAULT \'proposed\', "idempotency_key" text NOT NULL, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_4edfe0cde8d03b250e57539636d" UNIQUE ("idempotency_key"), CONSTRAINT "PK_7bfb822f56be449c0b8adbf83cf" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_939d32e41329ed9a9f21b4bfdf" ON "actions" ("state") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_605455144e33b13a02652457a8" ON "actions" ("plan_id", "seq") ',
    );
    await queryRunner.query(
      'CREATE TABLE "action_attempts" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "action_id" uuid NOT NULL, "attempt" integer NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "vcenter_task_id" text, "outcome" text NOT NULL, "error" text, "precheck" jsonb, CONSTRAINT "PK_6d96a494ba2ba0991ebfa68ae85" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_e22bbea956dfac54211719b84f" ON "action_attempts" ("action_id", "attempt") ',
    );
    await queryRunner.query(
      'CREATE TABLE "metric_samples" ("entity_id" text NOT NULL, "metric" text NOT NULL, "ts" TIMESTAMP WITH TIME ZONE NOT NULL, "value" double precision NOT NULL, CONSTRAINT "PK_7dec0b11c62759a7b2cefdca870" PRIMARY KEY ("entity_id", "metric", "ts"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_13197fed496de6db3248a07165" ON "metric_samples" ("ts") ');
    await queryRunner.query(
      'CREATE TABLE "forecast_models" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "scope" text NOT NULL, "key" text NOT NULL, "metric" text NOT NULL, "horizon_seconds" integer NOT NULL, "trained_from" TIMESTAMP WITH TIME ZONE NOT NULL, "trained_to" TIMESTAMP WITH TIME ZONE NOT NULL, "model" jsonb NOT NULL, "error" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ab86dc39ddaa0466289ed5f40d1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_934502c28086145e626e7db0d7" ON "forecast_models" ("scope", "key", "metric", "horizon_seconds") ',
    );
    await queryRunner.query(
      'CREATE TABLE "forecasts" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "scope" text NOT NULL, "key" text NOT NULL, "metric" text NOT NULL, "horizon_seconds" integer NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "target_at" TIMESTAMP WITH TIME ZONE NOT NULL, "point" double precision NOT NULL, "lower" double precision NOT NULL, "upper" double precision NOT NULL, "model_id" uuid, "method" text NOT NULL DEFAULT \'model\', CONSTRAINT "PK_caa4d5aec48032eb9d2ce8535f8" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_1ad032df18447ef2e9a35f6032" ON "forecasts" ("scope", "key", "metric", "target_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" text NOT NULL, "action" text NOT NULL, "subject_type" text NOT NULL, "subject_id" text NOT NULL, "detail" jsonb NOT NULL DEFAULT \'{}\', CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_08e9b4cd10971ba146b6c5bf4d" ON "audit_log" ("subject_type", "subject_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "ups" ("id" text NOT NULL, "name" text, "address" text, "sys_name" text, "serial" text, "capacity_w" double precision NOT NULL, "on_battery" boolean NOT NULL DEFAULT false, "runtime_seconds" double precision NOT NULL DEFAULT \'0\', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5f9511c6880d95b37867142d317" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "pdus" ("id" text NOT NULL, "ups_id" text NOT NULL, "address" text, "sys_name" text, "serial" text, "capacity_w" double precision NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5dde0d0e6116efe25dcabd11583" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "host_feeds" ("host_id" text NOT NULL, "pdu_id" text NOT NULL, CONSTRAINT "PK_1c477d3d316cea0260eb71b7f06" PRIMARY KEY ("host_id", "pdu_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "raw_events" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "source" text NOT NULL, "remote_address" text, "payload" jsonb NOT NULL, "outcome" text NOT NULL, "reason" text, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5da37c4a4297afca88e18072385" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_1bc6bea922bd4640f457c80de4" ON "raw_events" ("received_at") ');
    await queryRunner.query(
      'CREATE TABLE "power_events" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "raw_event_id" uuid, "kind" text NOT NULL, "source" text NOT NULL, "device" text NOT NULL, "device_kind" text NOT NULL, "dedup_key" text NOT NULL, "status" text NOT NULL DEFAULT \'open\', "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "runtime_seconds" double precision, "seconds_on_battery" double precision, "load_percent" double precision, "detail" text NOT NULL DEFAULT \'\', "repeat_count" integer NOT NULL DEFAULT \'1\', "raw" jsonb, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_08d7277b7b13e6544e6f5ab0bf0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_34276140efd6b372b108b0e1c8" ON "power_events" ("opened_at") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_6d7734077f9c88ae783bee0e72" ON "power_events" ("dedup_key", "status") ',
    );
    await queryRunner.query(
      'CREATE TABLE "vcenter_events" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "vcenter" text NOT NULL, "key" bigint NOT NULL, "type" text NOT NULL, "created_time" TIMESTAMP WITH TIME ZONE NOT NULL, "object_id" text, "message" text NOT NULL DEFAULT \'\', "payload" jsonb NOT NULL, "stored_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_55eded8a180152cff95fe5c87c0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_adf1f6a42d59f34ef6adba7699" ON "vcenter_events" ("vcenter", "key") ',
    );
    // The audit log is append-only: history of who approved and moved what must not be rewritten.
    await queryRunner.query(
      "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP; END $$",
    );
    await queryRunner.query(
      'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER audit_log_append_only ON "audit_log"');
    await queryRunner.query('DROP FUNCTION audit_log_append_only()');
    await queryRunner.query('DROP INDEX "public"."IDX_adf1f6a42d59f34ef6adba7699"');
    await queryRunner.query('DROP TABLE "vcenter_events"');
    await queryRunner.query('DROP INDEX "public"."IDX_6d7734077f9c88ae783bee0e72"');
    await queryRunner.query('DROP INDEX "public"."IDX_34276140efd6b372b108b0e1c8"');
    await queryRunner.query('DROP TABLE "power_events"');
    await queryRunner.query('DROP INDEX "public"."IDX_1bc6bea922bd4640f457c80de4"');
    await queryRunner.query('DROP TABLE "raw_events"');
    await queryRunner.query('DROP TABLE "host_feeds"');
    await queryRunner.query('DROP TABLE "pdus"');
    await queryRunner.query('DROP TABLE "ups"');
    await queryRunner.query('DROP INDEX "public"."IDX_08e9b4cd10971ba146b6c5bf4d"');
    await queryRunner.query('DROP TABLE "audit_log"');
    await queryRunner.query('DROP INDEX "public"."IDX_1ad032df18447ef2e9a35f6032"');
    await queryRunner.query('DROP TABLE "forecasts"');
    await queryRunner.query('DROP INDEX "public"."IDX_934502c28086145e626e7db0d7"');
    await queryRunner.query('DROP TABLE "forecast_models"');
    await queryRunner.query('DROP INDEX "public"."IDX_13197fed496de6db3248a07165"');
    await queryRunner.query('DROP TABLE "metric_samples"');
    await queryRunner.query('DROP INDEX "public"."IDX_e22bbea956dfac54211719b84f"');
    await queryRunner.query('DROP TABLE "action_attempts"');
    await queryRunner.query('DROP INDEX "public"."IDX_605455144e33b13a02652457a8"');
    await queryRunner.query('DROP INDEX "public"."IDX_939d32e41329ed9a9f21b4bfdf"');
    await queryRunner.query('DROP TABLE "actions"');
    await queryRunner.query('DROP INDEX "public"."IDX_f949206964fd4d44cdd3a1690a"');
    await queryRunner.query('DROP TABLE "plans"');
    await queryRunner.query('DROP INDEX "public"."IDX_b3be7ec49dcb41083295ab9761"');
    await queryRunner.query('DROP TABLE "audits"');
    await queryRunner.query('DROP TABLE "sync_state"');
    await queryRunner.query('DROP INDEX "public"."IDX_63b1414f01d5163036ebbc427a"');
    await queryRunner.query('DROP INDEX "public"."IDX_e69d73e5f8c1a08baee602d479"');
    await queryRunner.query('DROP TABLE "components"');
    await queryRunner.query('DROP INDEX "public"."IDX_64eeae82f5061df2b85c154a7a"');
    await queryRunner.query('DROP TABLE "hosts"');
    await queryRunner.query('DROP TABLE "datastores"');
    await queryRunner.query('DROP TABLE "clusters"');
  }
}
