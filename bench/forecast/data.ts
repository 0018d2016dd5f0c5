import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cleanSeries, type CleanSeries, type SamplePoint } from '@app/forecast';

export interface VmTrace {
  id: string;
  cpuMhz: CleanSeries;
  memMb: CleanSeries;
  cpuCapacityMhz: number;
  memCapacityMb: number;
}

/** vm-<N>.csv.gz files of the Bitbrains GWA-T-12 Rnd extract, sorted by N. */
export function listTraces(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^vm-\d+\.csv\.gz$/.test(f))
    .sort((a, b) => Number(a.slice(3, -7)) - Number(b.slice(3, -7)))
    .map((f) => join(dir, f));
}

/** vm-<N> from a trace's path (the id every section reports it by). */
export function traceId(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.csv\.gz$/, '');
}

function num(s: string | undefined): number | null {
  if (s === undefined || s.trim() === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/**
 * Parse one trace: timestamp, cpu_usage_mhz, cpu_capacity_mhz, mem_usage_kb, mem_capacity_kb. Memory becomes
 * MB. Values above twice the largest provisioned capacity seen are absurd (a capacity of 0 is ignored).
 */
export function loadTrace(file: string): VmTrace {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const lines = text.split('\n');
  const cpu: SamplePoint[] = [];
  const mem: SamplePoint[] = [];
  let cpuCap = 0;
  let memCap = 0;
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k];
    if (!line) continue;
    const c = line.split(',');
    const t = Date.parse(c[0]) / 1000;
    cpu.push({ t, v: num(c[1]) });
    mem.push({ t, v: (num(c[3]) ?? NaN) / 1024 });
    cpuCap = Math.max(cpuCap, num(c[2]) ?? 0);
    memCap = Math.max(memCap, (num(c[4]) ?? 0) / 1024);
  }
  return {
    id: traceId(file),
    cpuMhz: cleanSeries(cpu, { maxValue: cpuCap > 0 ? 2 * cpuCap : undefined }),
    memMb: cleanSeries(mem, { maxValue: memCap > 0 ? 2 * memCap : undefined }),
    cpuCapacityMhz: cpuCap,
    memCapacityMb: memCap,
  };
}
