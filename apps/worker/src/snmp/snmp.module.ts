import { Module } from '@nestjs/common';
import { BullmqAuditQueue } from '@app/application';
import { SnmpService } from './snmp.service';

@Module({ providers: [SnmpService, BullmqAuditQueue] })
export class SnmpModule {}
