/** The PowerIngest the alarm-action endpoint writes through. */
export const ALARM_INGEST = Symbol('ALARM_INGEST');
