import type { ReceiverConfig } from './config';
import type { IngestResult, PowerIngest } from './ingest';
import type { RejectReason } from './receiver';
import { TrapReceiver } from './receiver';
import type { ReceivedTrap } from './trap';

export interface TrapServiceHooks {
  /** After the trap is persisted (or failed to be). */
  onResult?(trap: ReceivedTrap, result: IngestResult | { outcome: 'error'; error: string }): void;
  onReject?(reason: RejectReason, remote: { address: string; port: number } | undefined): void;
}

/** A receiver whose traps go through `ingest` and whose rejections are counted there. */
export function createTrapService(
  config: ReceiverConfig,
  ingest: PowerIngest,
  hooks: TrapServiceHooks = {},
): TrapReceiver {
  return new TrapReceiver(config, {
    onTrap(trap) {
      ingest.ingestTrap(trap).then(
        (r) => hooks.onResult?.(trap, r),
        (e: unknown) => {
          ingest.metrics.count('snmp-trap', 'rejected', 'storage');
          hooks.onResult?.(trap, { outcome: 'error', error: e instanceof Error ? e.message : String(e) });
        },
      );
    },
    onReject(reason, remote) {
      ingest.reject('snmp-trap', reason, remote);
      hooks.onReject?.(reason, remote);
    },
  });
}
