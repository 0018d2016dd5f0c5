import { str } from './xml';
import { FAULT_FAMILY } from './fault-families';

/** Every error this library throws names the vCenter it was talking to. */
export class VsphereError extends Error {
  constructor(
    readonly vcenter: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`vCenter ${vcenter}: ${message}`, options);
    this.name = 'VsphereError';
  }
}

export type ConnectionProblem = 'unreachable' | 'timeout' | 'tls' | 'thumbprint' | 'http';

/** The vCenter could not be reached, its certificate was refused, or it answered with something that is not SOAP. */
export class VsphereConnectionError extends VsphereError {
  constructor(
    vcenter: string,
    readonly problem: ConnectionProblem,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(vcenter, message, options);
    this.name = 'VsphereConnectionError';
    this.status = options?.status;
  }
  readonly status: number | undefined;
}

/** A vim25 SOAP fault. `faultType` is the concrete vim25 type (e.g. InvalidPowerState), `family` the typed class. */
export class VimFault extends VsphereError {
  constructor(
    vcenter: string,
    readonly faultType: string,
    readonly faultMessage: string,
    readonly detail: unknown,
    readonly method?: string,
  ) {
    const prop = (detail as { invalidProperty?: unknown } | undefined)?.invalidProperty;
    const msg = faultMessage && faultMessage !== faultType ? `: ${faultMessage}` : '';
    super(
      vcenter,
      `${method ? `${method}: ` : ''}${faultType}${msg}${prop ? ` (invalid property ${str(prop)})` : ''}`,
    );
    this.name = 'VimFault';
  }
}

export class NotAuthenticatedFault extends VimFault {
  override name = 'NotAuthenticatedFault';
}
export class InvalidLoginFault extends VimFault {
  override name = 'InvalidLoginFault';
}
export class InvalidStateFault extends VimFault {
  override name = 'InvalidStateFault';
}
export class InvalidArgumentFault extends VimFault {
  override name = 'InvalidArgumentFault';
}
export class MigrationFault extends VimFault {
  override name = 'MigrationFault';
}
export class TaskInProgressFault extends VimFault {
  override name = 'TaskInProgressFault';
}
export class ManagedObjectNotFoundFault extends VimFault {
  override name = 'ManagedObjectNotFoundFault';
}

type FaultCtor = new (
  vcenter: string,
  type: string,
  message: string,
  detail: unknown,
  method?: string,
) => VimFault;

const BY_FAMILY: Record<string, FaultCtor> = {
  NotAuthenticated: NotAuthenticatedFault,
  InvalidLogin: InvalidLoginFault,
  InvalidState: InvalidStateFault,
  InvalidArgument: InvalidArgumentFault,
  MigrationFault: MigrationFault,
  TaskInProgress: TaskInProgressFault,
  ManagedObjectNotFound: ManagedObjectNotFoundFault,
};

export function makeFault(
  vcenter: string,
  faultType: string,
  message: string,
  detail: unknown,
  method?: string,
): VimFault {
  const family = FAULT_FAMILY[faultType] ?? faultType;
  const Ctor = BY_FAMILY[family] ?? VimFault;
  return new Ctor(vcenter, faultType, message, detail, method);
}

/** vCenter refused an action because the live state no longer matches what the plan assumed. Nothing was done. */
export class PreconditionFailed extends VsphereError {
  constructor(
    vcenter: string,
    readonly reason: string,
  ) {
    super(vcenter, `refused: ${reason}`);
    this.name = 'PreconditionFailed';
  }
}

/** A vCenter task ended in error; `fault` is the task's vim25 fault. */
export class TaskFailed extends VsphereError {
  constructor(
    vcenter: string,
    readonly taskId: string,
    readonly fault: VimFault,
  ) {
    super(
      vcenter,
      `task ${taskId} failed: ${fault.faultType}${fault.faultMessage ? `: ${fault.faultMessage}` : ''}`,
      {
        cause: fault,
      },
    );
    this.name = 'TaskFailed';
  }
}

/** A vAPI (REST) call failed. */
export class VapiError extends VsphereError {
  constructor(
    vcenter: string,
    readonly status: number,
    message: string,
  ) {
    super(vcenter, message);
    this.name = 'VapiError';
  }
}
