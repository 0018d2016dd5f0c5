import { Module } from '@nestjs/common';
import { WorkWindowsService } from '@app/application';
import { WorkWindowsController } from './work-windows.controller';

/** The operator's windows of anticipated work, for the forecast (the worker reads them from PostgreSQL). */
@Module({ controllers: [WorkWindowsController], providers: [WorkWindowsService] })
export class WorkWindowsModule {}
