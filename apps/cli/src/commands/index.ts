import type { CliCommand } from '../command';
import { planCommand } from './plan';
import { snmpCommand } from './snmp';
import { alarmCommand } from './alarm';
import { forecastCommand } from './forecast';
import { windowsCommand } from './windows';
import { demoWalkthroughCommand } from './demo-walkthrough';

/** Every subcommand, in the order `layershift help` lists them. Add new ones here. */
export const COMMANDS: CliCommand[] = [
  planCommand,
  snmpCommand,
  alarmCommand,
  forecastCommand,
  windowsCommand,
  demoWalkthroughCommand,
];
