/**
 * Test harness for tools/vcsim: builds the simulator (cached by tools/vcsim/build.sh), spawns it
 * on a free port and waits until it prints VCSIM_READY=1 and answers /about.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const VCSIM_DIR = resolve(__dirname, '../../tools/vcsim');

export interface VcsimOptions {
  clusters?: number;
  hostsPerCluster?: number;
  vmsPerHost?: number;
  /**
   * Exactly this many VMs in all, spread over the hosts in name order (the first hosts get one more);
   * overrides vmsPerHost. E.g. 64 hosts / 2,500 VMs: 4 hosts with 40, 60 with 39.
   */
  totalVms?: number;
  standaloneHosts?: number;
  datastores?: number;
  tls?: boolean;
  username?: string;
  password?: string;
  /** Default duration (ms) of relocate/migrate/maintenance tasks; 0 = they complete at once. */
  taskDelayMs?: number;
  /** Write the power topology sidecar to this file as well. */
  topologyFile?: string;
  /** Skip creating the Layershift.Layer tag category and tags. */
  noTags?: boolean;
  /** Extra raw flags for tools/vcsim/bin/vcsim. */
  extraArgs?: string[];
  /** Ms to wait for readiness (default 60 s: covers a cold Go build). */
  startTimeoutMs?: number;
}

export interface Vcsim {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** SOAP endpoint, e.g. http://127.0.0.1:40123/sdk */
  sdkUrl: string;
  username: string;
  password: string;
  /** Control endpoints, e.g. http://127.0.0.1:40123/layershift */
  controlUrl: string;
  /** SHA-1 thumbprint (AA:BB:...) of the self-signed certificate when tls is on. */
  thumbprint?: string;
  thumbprintSha256?: string;
  /** Every VCSIM_* line the simulator printed on start. */
  env: Record<string, string>;
  /** Ms the simulator took from process start to ready (its own measure). */
  startupMs: number;
  /**
   * VMs carrying a Layershift.Layer tag. The simulator attaches the tags over its REST API and reads
   * the associations back before printing VCSIM_READY, so they are all in place when startVcsim resolves.
   */
  taggedVms: number;
  pid: number;
  stop(): Promise<void>;
}

let buildPromise: Promise<string> | undefined;

/** Builds tools/vcsim/bin/vcsim if its Go sources changed; resolves to the binary path. */
export function buildVcsim(): Promise<string> {
  buildPromise ??= execFileAsync(resolve(VCSIM_DIR, 'build.sh'), [], { maxBuffer: 1 << 20, timeout: 300_000 })
    .then(({ stdout }) => stdout.trim().split('\n').pop() as string)
    .catch((err: unknown) => {
      buildPromise = undefined;
      throw err;
    });
  return buildPromise;
}

export async function startVcsim(opts: VcsimOptions = {}): Promise<Vcsim> {
  // VCSIM_BIN: a prebuilt binary (e.g. another revision, to check that a test fails without a fix).
  const bin = process.env.VCSIM_BIN || (await buildVcsim());
  const username = opts.username ?? 'user';
  const password = opts.password ?? 'pass';
  const args = [
    '-listen',
    '127.0.0.1:0',
    '-clusters',
    String(opts.clusters ?? 2),
    '-hosts',
    String(opts.hostsPerCluster ?? 4),
    '-vms',
    String(opts.vmsPerHost ?? 4),
    '-standalone',
    String(opts.standaloneHosts ?? 0),
    '-datastores',
    String(opts.datastores ?? 2),
    '-username',
    username,
    '-password',
    password,
    '-task-delay',
    String(opts.taskDelayMs ?? 0),
  ];
  if (opts.totalVms !== undefined) args.push('-total-vms', String(opts.totalVms));
  if (opts.tls) args.push('-tls');
  if (opts.topologyFile) args.push('-topology-file', opts.topologyFile);
  if (opts.noTags) args.push('-no-tags');
  if (opts.extraArgs) args.push(...opts.extraArgs);

  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const env = await waitReady(child, opts.startTimeoutMs ?? 60_000);
  const url = env.VCSIM_BASE_URL;
  await waitHttp(`${url}/about`, opts.tls === true);

  let stopped: Promise<void> | undefined;
  return {
    url,
    sdkUrl: `${url}/sdk`,
    username,
    password,
    controlUrl: env.VCSIM_CONTROL_URL,
    thumbprint: env.VCSIM_THUMBPRINT_SHA1,
    thumbprintSha256: env.VCSIM_THUMBPRINT_SHA256,
    env,
    startupMs: Number(env.VCSIM_STARTUP_MS),
    taggedVms: Number(env.VCSIM_TAGGED_VMS ?? 0),
    pid: child.pid as number,
    stop: () => (stopped ??= kill(child)),
  };
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<Record<string, string>> {
  return new Promise((resolveReady, reject) => {
    const env: Record<string, string> = {};
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vcsim not ready after ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err.slice(-4000)}`));
    }, timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.length > 100_000) err = err.slice(-50_000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split('\n')) {
        const m = /^(VCSIM_[A-Z0-9_]+)=(.*)$/.exec(line.trim());
        if (m) env[m[1]] = m[2];
      }
      if (env.VCSIM_READY === '1') {
        clearTimeout(timer);
        resolveReady(env);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`vcsim exited early (code ${code}, signal ${signal})\nstderr: ${err.slice(-4000)}`));
    });
  });
}

async function waitHttp(url: string, tls: boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const res = tls ? await fetchInsecure(url) : await fetch(url);
      if (res.status === 200) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`vcsim ${url} did not answer 200`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** GET over HTTPS without certificate verification (readiness probe of the self-signed server only). */
async function fetchInsecure(url: string): Promise<{ status: number }> {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const res = await request(url, { dispatcher });
    await res.body.dump();
    return { status: res.statusCode };
  } finally {
    await dispatcher.close();
  }
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
