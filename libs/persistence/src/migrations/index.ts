import { Initial1795602039295 } from './1795602039295-initial';
import { WorkWindows1795628813941 } from './1795628813941-WorkWindows';
import { ForecastExpected1796688000000 } from './1796688000000-ForecastExpected';

/** Every migration, oldest first. Generate the next with `npm run migration:generate -- Name` (see docs). */
export const MIGRATIONS: (new () => object)[] = [
  Initial1795602039295,
  WorkWindows1795628813941,
  ForecastExpected1796688000000,
];
