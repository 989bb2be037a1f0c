import { readFileSync } from 'node:fs';

/** The parts of V8's .cpuprofile JSON (as written by `node --cpu-prof`) read here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfMs: number;
  /** Share of the time the process was busy (idle excluded). */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: HotSpot[];
  /** Self time by package (`node_modules/<name>`), by `node:` internals, or by the repo's own files. */
  modules: HotSpot[];
}

const IDLE = '(idle)';

/** Self time per function and per module: where a process spends its CPU. */
export function summarizeProfile(profile: CpuProfile, limit = 15): ProfileSummary {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = frames.get(id);
    if (!frame || frame.functionName === IDLE) {
      idleUs += us;
      return;
    }
    busyUs += us;
    const where = frame.url ? `${shortPath(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const module = moduleOf(frame.url, frame.functionName);
    byModule.set(module, (byModule.get(module) ?? 0) + us);
  });
  const top = (totals: Map<string, number>): HotSpot[] =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({
        name,
        selfMs: Math.round(us / 1000),
        percent: busyUs ? Math.round((us / busyUs) * 1000) / 10 : 0,
      }));
  return {
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    functions: top(byFunction),
    modules: top(byModule),
  };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  const inDist = path.indexOf('/dist/');
  return inDist >= 0 ? path.slice(inDist + '/dist/'.length) : path;
}

function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const path = shortPath(url);
  if (path !== url.replace(/^file:\/\//, '') && url.includes('node_modules/')) {
    const [scope, name] = path.split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? path);
  }
  // The repo's own code: apps/<app> or libs/<lib>.
  return path.split('/').slice(0, 2).join('/');
}
