import { errors as undiciErrors, request, type Agent } from 'undici';
import {
  InvalidLoginFault,
  makeFault,
  NotAuthenticatedFault,
  VimFault,
  VsphereConnectionError,
  VsphereError,
  type ConnectionProblem,
} from './errors';
import { retrieveOne } from './property-collector';
import { createAgent, ThumbprintMismatch, type TlsTrust } from './transport';
import {
  child,
  childText,
  decodeValue,
  envelope,
  NS,
  parseXml,
  refEl,
  textEl,
  type MoRef,
  type XNode,
} from './xml';

/** The subset of pino's API we log through. Never pass credentials in either argument. */
export interface VsphereLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silent: VsphereLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface VimClientOptions extends TlsTrust {
  /** https://vcenter.example/sdk (http:// only for the simulator). Credentials in the URL are taken out of it. */
  url: string;
  username?: string;
  password?: string;
  logger?: VsphereLogger;
  /** Per-request timeout (WaitForUpdatesEx adds its own wait on top). */
  timeoutMs?: number;
  connections?: number;
  /** Retries of read-only calls on 503 / connection reset. */
  readRetries?: number;
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  perfManager?: MoRef;
  eventManager?: MoRef;
  taskManager?: MoRef;
  extensionManager?: MoRef;
  about: {
    name: string;
    fullName: string;
    apiVersion: string;
    instanceUuid: string;
    apiType: string;
    version: string;
  };
}

export interface UserSession {
  key: string;
  userName: string;
  loginTime: string;
}

const READ_ONLY = new Set([
  'RetrieveServiceContent',
  'RetrievePropertiesEx',
  'ContinueRetrievePropertiesEx',
  'WaitForUpdatesEx',
  'QueryPerf',
  'QueryPerfProviderSummary',
  'FindExtension',
  'SessionIsActive',
]);

const SESSION_COOKIE = 'vmware_soap_session';

/** Our small typed vim25 client: SOAP over undici, cookie session, one re-login on NotAuthenticated. */
export class VimClient {
  /** host[:port] of the vCenter, used in every error and log line. Never contains credentials. */
  readonly vcenter: string;
  readonly sdkUrl: string;
  readonly log: VsphereLogger;
  private readonly agent: Agent;
  private readonly ownsAgent: boolean;
  private username: string | undefined;
  private password: string | undefined;
  private readonly timeoutMs: number;
  private readonly readRetries: number;
  private cookie: string | undefined;
  private sc: ServiceContent | undefined;
  private soapAction = 'urn:vim25/6.5';
  private relogin: Promise<void> | undefined;
  /** Bumped on every (re-)login: session-scoped objects (views, filters, collectors) from older generations are gone. */
  generation = 0;
  /** Counts re-logins after NotAuthenticated (for tests and metrics). */
  relogins = 0;

  constructor(
    readonly options: VimClientOptions,
    agent?: Agent,
  ) {
    const u = new URL(options.url);
    this.username = options.username ?? (u.username ? decodeURIComponent(u.username) : undefined);
    this.password = options.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
    u.username = '';
    u.password = '';
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/sdk';
    this.sdkUrl = u.toString();
    this.vcenter = u.host;
    this.log = options.logger ?? silent;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.readRetries = options.readRetries ?? 2;
    this.ownsAgent = !agent;
    this.agent = agent ?? createAgent(options, { connections: options.connections });
  }

  get serviceContent(): ServiceContent {
    if (!this.sc) throw new VsphereError(this.vcenter, 'not connected: call connect() first');
    return this.sc;
  }

  get dispatcher(): Agent {
    return this.agent;
  }

  /** For the vAPI (REST) session of the same user; undefined for a cloned session. Never log the result. */
  basicAuthorization(): string | undefined {
    if (!this.username || this.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
  }

  get hasSession(): boolean {
    return this.cookie !== undefined;
  }

  /** RetrieveServiceContent, then Login with the configured credentials. */
  async connect(): Promise<UserSession> {
    await this.retrieveServiceContent();
    return this.login();
  }

  async retrieveServiceContent(): Promise<ServiceContent> {
    const res = await this.invoke(
      'RetrieveServiceContent',
      { type: 'ServiceInstance', value: 'ServiceInstance' },
      '',
      {
        auth: false,
      },
    );
    const rv = child(res, 'returnval')!;
    const ref = (n: string): MoRef | undefined => {
      const c = child(rv, n);
      return c ? { type: c.attrs.type ?? '', value: c.text } : undefined;
    };
    const about = child(rv, 'about');
    this.sc = {
      rootFolder: ref('rootFolder')!,
      propertyCollector: ref('propertyCollector')!,
      viewManager: ref('viewManager')!,
      sessionManager: ref('sessionManager')!,
      perfManager: ref('perfManager'),
      eventManager: ref('eventManager'),
      taskManager: ref('taskManager'),
      extensionManager: ref('extensionManager'),
      about: {
        name: childText(about, 'name') ?? '',
        fullName: childText(about, 'fullName') ?? '',
        apiVersion: childText(about, 'apiVersion') ?? '',
        instanceUuid: childText(about, 'instanceUuid') ?? '',
        apiType: childText(about, 'apiType') ?? '',
        version: childText(about, 'version') ?? '',
      },
    };
    if (this.sc.about.apiVersion) this.soapAction = `urn:vim25/${this.sc.about.apiVersion}`;
    return this.sc;
  }

  async login(): Promise<UserSession> {
    if (!this.sc) await this.retrieveServiceContent();
    if (!this.username || this.password === undefined) {
      throw new InvalidLoginFault(
        this.vcenter,
        'InvalidLogin',
        'no credentials configured',
        undefined,
        'Login',
      );
    }
    this.cookie = undefined;
    const body =
      textEl('userName', this.username) + textEl('password', this.password) + textEl('locale', 'en_US');
    const res = await this.invoke('Login', this.serviceContent.sessionManager, body, {
      auth: false,
      captureCookie: true,
    });
    this.generation++;
    const s = userSession(child(res, 'returnval'));
    this.log.info({ vcenter: this.vcenter, user: s.userName, generation: this.generation }, 'vCenter login');
    return s;
  }

  async logout(): Promise<void> {
    if (!this.cookie || !this.sc) return;
    try {
      await this.invoke('Logout', this.sc.sessionManager, '', { noRelogin: true });
    } catch (e) {
      if (!(e instanceof NotAuthenticatedFault)) throw e;
    } finally {
      this.cookie = undefined;
    }
  }

  /** Logout (best effort) and close the connection pool. */
  async close(): Promise<void> {
    try {
      await this.logout();
    } catch (e) {
      this.log.debug({ vcenter: this.vcenter, err: (e as Error).message }, 'logout on close failed');
    }
    if (this.ownsAgent) await this.agent.close();
  }

  /** A one-time ticket another process can turn into a session of the same user (SessionManager.AcquireCloneTicket). */
  async acquireCloneTicket(): Promise<string> {
    const res = await this.invoke('AcquireCloneTicket', this.serviceContent.sessionManager, '', {});
    return childText(res, 'returnval') ?? '';
  }

  /**
   * Becomes the user who issued `ticket` (SessionManager.CloneSession). The clone has no password, so a later
   * NotAuthenticated is final for it: it fails instead of re-logging in.
   */
  async cloneSession(ticket: string): Promise<UserSession> {
    if (!this.sc) await this.retrieveServiceContent();
    this.cookie = undefined;
    this.username = undefined;
    this.password = undefined;
    const res = await this.invoke(
      'CloneSession',
      this.serviceContent.sessionManager,
      textEl('cloneTicket', ticket),
      {
        auth: false,
        captureCookie: true,
      },
    );
    this.generation++;
    const s = userSession(child(res, 'returnval'));
    this.log.info({ vcenter: this.vcenter, user: s.userName }, 'vCenter session cloned');
    return s;
  }

  async currentSession(): Promise<UserSession | undefined> {
    const props = await retrieveOne(this, this.serviceContent.sessionManager, ['currentSession']);
    const cs = props.currentSession as Record<string, unknown> | undefined;
    return cs
      ? { key: String(cs.key), userName: String(cs.userName), loginTime: String(cs.loginTime) }
      : undefined;
  }

  /**
   * Calls a vim25 method: `body` is the already-serialised parameters after `_this`. Returns the response element
   * (`<MethodResponse>`). On NotAuthenticated it logs in again once (if it has credentials) and repeats the call.
   */
  async call(method: string, self: MoRef, body = '', opts: { timeoutMs?: number } = {}): Promise<XNode> {
    return this.invoke(method, self, body, opts);
  }

  /** Like call() and decodes `returnval` generically. */
  async callValue(
    method: string,
    self: MoRef,
    body = '',
    opts: { timeoutMs?: number } = {},
  ): Promise<unknown> {
    const res = await this.invoke(method, self, body, opts);
    const rvs = res.children.filter((c) => c.name === 'returnval');
    if (rvs.length === 0) return undefined;
    if (rvs.length === 1) return decodeValue(rvs[0]);
    return rvs.map((r) => decodeValue(r));
  }

  private async invoke(
    method: string,
    self: MoRef,
    body: string,
    opts: { auth?: boolean; captureCookie?: boolean; noRelogin?: boolean; timeoutMs?: number },
  ): Promise<XNode> {
    const generation = this.generation;
    try {
      return await this.send(method, self, body, opts);
    } catch (e) {
      if (!(e instanceof NotAuthenticatedFault) || opts.auth === false || opts.noRelogin) throw e;
      if (!this.username || this.password === undefined) throw e; // a cloned session cannot log in again
      await this.reloginOnce(generation, method);
      return this.send(method, self, body, opts); // a second NotAuthenticated propagates
    }
  }

  private async reloginOnce(generation: number, method: string): Promise<void> {
    if (this.generation !== generation) return; // someone else already logged in again
    if (!this.relogin) {
      this.log.warn(
        { vcenter: this.vcenter, method },
        'vCenter session expired (NotAuthenticated); logging in again',
      );
      this.relogins++;
      this.relogin = this.login()
        .then(() => undefined)
        .finally(() => {
          this.relogin = undefined;
        });
    }
    await this.relogin;
  }

  private async send(
    method: string,
    self: MoRef,
    body: string,
    opts: { captureCookie?: boolean; timeoutMs?: number },
  ): Promise<XNode> {
    const xml = envelope(`<${method} xmlns="${NS.vim25}">${refEl('_this', self)}${body}</${method}>`);
    const retries = READ_ONLY.has(method) ? this.readRetries : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.sendOnce(method, xml, opts);
      } catch (e) {
        const transient =
          e instanceof VsphereConnectionError &&
          (e.status === 503 || e.problem === 'unreachable' || e.problem === 'timeout');
        if (!transient || attempt >= retries) throw e;
        const delay = 200 * 2 ** attempt;
        this.log.warn(
          { vcenter: this.vcenter, method, attempt: attempt + 1, delayMs: delay, err: e.message },
          'retrying',
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async sendOnce(
    method: string,
    xml: string,
    opts: { captureCookie?: boolean; timeoutMs?: number },
  ): Promise<XNode> {
    const headers: Record<string, string> = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: this.soapAction,
    };
    if (this.cookie) headers.cookie = `${SESSION_COOKIE}=${this.cookie}`;
    const started = Date.now();
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    let status: number;
    let text: string;
    let setCookie: string | string[] | undefined;
    try {
      const res = await request(this.sdkUrl, {
        method: 'POST',
        headers,
        body: xml,
        dispatcher: this.agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      status = res.statusCode;
      setCookie = res.headers['set-cookie'];
      text = await res.body.text();
    } catch (e) {
      throw this.connectionError(e, method);
    }
    this.log.debug(
      { vcenter: this.vcenter, method, status, ms: Date.now() - started, bytes: text.length },
      'vim25 call',
    );
    const looksXml = text.trimStart().startsWith('<');
    if (!looksXml || (status !== 200 && status !== 500)) {
      throw new VsphereConnectionError(
        this.vcenter,
        'http',
        `${method}: HTTP ${status} from ${this.sdkUrl}${text ? `: ${text.slice(0, 200).trim()}` : ''}`,
        { status },
      );
    }
    let doc: XNode;
    try {
      doc = parseXml(text);
    } catch (e) {
      throw new VsphereConnectionError(
        this.vcenter,
        'http',
        `${method}: unparseable response (${(e as Error).message})`,
        {
          cause: e,
          status,
        },
      );
    }
    const bodyNode = doc.children.find((c) => c.ns === NS.soapenv && c.name === 'Body');
    const first = bodyNode?.children[0];
    if (!first)
      throw new VsphereConnectionError(this.vcenter, 'http', `${method}: empty SOAP body`, { status });
    if (first.ns === NS.soapenv && first.name === 'Fault') throw this.faultFrom(first, method);
    if (opts.captureCookie) {
      const cookie = extractCookie(setCookie);
      if (!cookie)
        throw new VsphereError(this.vcenter, `${method}: no ${SESSION_COOKIE} cookie in the response`);
      this.cookie = cookie;
    }
    return first;
  }

  private faultFrom(fault: XNode, method: string): VimFault {
    const message = (childText(fault, 'faultstring') ?? '').trim();
    const detailEl = child(fault, 'detail')?.children[0];
    let type = 'VimFault';
    let detail: unknown;
    if (detailEl) {
      type = detailEl.xsiType?.name ?? detailEl.name.replace(/Fault$/, '');
      detail = decodeValue(detailEl);
    } else {
      const code = childText(fault, 'faultcode') ?? '';
      if (code) type = code.replace(/^.*:/, '');
    }
    return makeFault(this.vcenter, type, message, detail, method);
  }

  private connectionError(e: unknown, method: string): VsphereConnectionError {
    const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const root = err.cause && typeof err.cause === 'object' ? err.cause : err;
    let problem: ConnectionProblem = 'unreachable';
    let what: string;
    if (e instanceof ThumbprintMismatch || root instanceof ThumbprintMismatch) {
      problem = 'thumbprint';
      what = (root instanceof ThumbprintMismatch ? root : (e as ThumbprintMismatch)).message;
    } else if (
      e instanceof undiciErrors.ConnectTimeoutError ||
      e instanceof undiciErrors.HeadersTimeoutError ||
      e instanceof undiciErrors.BodyTimeoutError
    ) {
      problem = 'timeout';
      what = `timed out (${err.message})`;
    } else if (isTlsError(root) || isTlsError(err)) {
      problem = 'tls';
      const code = (isTlsError(root) ? root : err).code ?? '';
      what = `TLS certificate not trusted (${code || err.message}); pin its thumbprint or give the CA`;
    } else {
      const code = root.code ?? err.code;
      what = `cannot reach ${this.sdkUrl}${code ? ` (${code})` : ''}: ${root.message || err.message}`;
    }
    return new VsphereConnectionError(this.vcenter, problem, `${method}: ${what}`, { cause: e });
  }
}

function isTlsError(e: NodeJS.ErrnoException | undefined): boolean {
  const code = e?.code ?? '';
  return (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|DEPTH_ZERO|HOSTNAME|ALTNAME/.test(code) ||
    /certificate|self.signed/i.test(e?.message ?? '')
  );
}

function extractCookie(setCookie: string | string[] | undefined): string | undefined {
  for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
    const m = new RegExp(`${SESSION_COOKIE}=("[^"]*"|[^;]*)`).exec(line);
    if (m) return m[1];
  }
  return undefined;
}

function userSession(n: XNode | undefined): UserSession {
  return {
    key: childText(n, 'key') ?? '',
    userName: childText(n, 'userName') ?? '',
    loginTime: childText(n, 'loginTime') ?? '',
  };
}
