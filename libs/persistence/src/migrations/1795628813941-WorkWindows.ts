import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Windows of anticipated work (batch, maintenance) the forecast reads as a feature. */
export class WorkWindows1795628813941 implements MigrationInterface {
  name = 'WorkWindows1795628813941';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "work_windows" ("id" text NOT NULL, "kind" text NOT NULL, "spec" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d3523d73a78ba63f71bd4789f67" PRIMARY KEY ("id"))',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "work_windows"');
  }
}
