/** The part of net-snmp 3 (which ships no types) that libs/snmp uses. */
declare module 'net-snmp' {
  import type { RemoteInfo } from 'node:dgram';

  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }
  export interface Pdu {
    type: number;
    id: number;
    varbinds: Varbind[];
    enterprise?: string;
    agentAddr?: string;
    generic?: number;
    specific?: number;
    upTime?: number;
    community?: string;
    user?: string;
    contextName?: string;
  }
  export interface Notification {
    pdu: Pdu;
    rinfo: RemoteInfo;
  }
  export interface User {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }
  export interface Authorizer {
    addCommunity(community: string): void;
    addUser(user: User): void;
    getUsers(): User[];
  }
  export interface ReceiverOptions {
    port?: number;
    address?: string | null;
    transport?: 'udp4' | 'udp6';
    disableAuthorization?: boolean;
    includeAuthentication?: boolean;
    engineID?: string;
    dgramModule?: unknown;
  }
  export interface Receiver {
    getAuthorizer(): Authorizer;
    close(callback?: (socket: unknown) => void): void;
  }
  export function createReceiver(
    options: ReceiverOptions,
    callback: (error: Error | null, notification: Notification | null) => void,
  ): Receiver;

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    transport?: 'udp4' | 'udp6';
    trapPort?: number;
    version?: number;
    idBitsSize?: 16 | 32;
    engineID?: string;
    context?: string;
  }
  export interface Session {
    get(oids: string[], callback: (error: Error | null, varbinds: Varbind[]) => void): void;
    trap(
      typeOrOid: string | number,
      varbinds: Varbind[],
      agentAddrOrOptions: string | Record<string, unknown>,
      callback: (error: Error | null) => void,
    ): void;
    inform(
      typeOrOid: string | number,
      varbinds: Varbind[],
      options: Record<string, unknown>,
      callback: (error: Error | null) => void,
    ): void;
    close(): void;
    on(event: 'error' | 'close', listener: (...args: unknown[]) => void): void;
  }
  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: User, options?: SessionOptions): Session;
  export function isVarbindError(varbind: Varbind): boolean;
  export function varbindError(varbind: Varbind): string;

  export interface MibProvider {
    name: string;
    type: number;
    oid: string;
    scalarType?: number;
    maxAccess?: number;
    handler?: (mibRequest: unknown) => void;
  }
  export interface Mib {
    registerProvider(provider: MibProvider): void;
    setScalarValue(name: string, value: unknown): void;
  }
  export interface Agent {
    getAuthorizer(): Authorizer;
    getMib(): Mib;
    close(callback?: () => void): void;
  }
  export function createAgent(
    options: ReceiverOptions & { accessControlModelType?: number },
    callback: (error: Error | null, data: unknown) => void,
  ): Agent;

  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;
  export const ObjectType: Record<string, number>;
  export const PduType: Record<string, number>;
  export const TrapType: Record<string, number>;
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: Record<string, number>;
  export const PrivProtocols: Record<string, number>;
  export const MibProviderType: { Scalar: number; Table: number };
  export const MaxAccess: Record<string, number>;
  export class RequestFailedError extends Error {}
  export class RequestInvalidError extends Error {}
  export class RequestTimedOutError extends Error {}
  export class ResponseInvalidError extends Error {
    code: number;
  }
}
