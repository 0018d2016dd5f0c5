import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each stored forecast keeps its forecast of the mean beside the point (a near-median): what the planner adds up
 * for non-critical demand. Null on rows written before it; readers fall back to the point.
 */
export class ForecastExpected1796688000000 implements MigrationInterface {
  name = 'ForecastExpected1796688000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "forecasts" ADD "expected" double precision');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "forecasts" DROP COLUMN "expected"');
  }
}
