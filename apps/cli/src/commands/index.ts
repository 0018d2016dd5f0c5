import type { CliCommand } from '../command';

/** Every subcommand, in the order `layershift help` lists them. Add new ones here. */
export const COMMANDS: CliCommand[] = [];
