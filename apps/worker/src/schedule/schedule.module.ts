import { Module } from '@nestjs/common';
import { MaintenanceScheduleService } from '@app/application';
import { MaintenanceScheduleTask } from './maintenance-schedule.task';

/** Scheduled maintenance jobs (PUT /api/v1/work-windows, kind maintenance): their evacuations, planned ahead. */
@Module({ providers: [MaintenanceScheduleService, MaintenanceScheduleTask] })
export class ScheduleModule {}
