import { summarizeProfile, type CpuProfile } from './cpu-profile.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('CPU profile summary', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(idle)') },
      { id: 2, callFrame: frame('sign', 'file:///repo/dist/libs/signing/src/signature.js', 20) },
      { id: 3, callFrame: frame('parse', 'file:///repo/node_modules/kafkajs/src/protocol/decoder.js', 9) },
      { id: 4, callFrame: frame('(garbage collector)') },
      { id: 5, callFrame: frame('emit', 'node:events', 1) },
    ],
    samples: [1, 2, 2, 3, 4, 5, 1],
    timeDeltas: [5_000, 1_000, 1_000, 1_000, 500, 500, 5_000],
  };

  it('splits busy from idle time and ranks functions by self time', () => {
    const summary = summarizeProfile(profile);
    expect(summary).toMatchObject({ busyMs: 4, idleMs: 10 });
    expect(summary.functions[0]).toEqual({
      name: 'sign libs/signing/src/signature.js:21',
      selfMs: 2,
      percent: 50,
    });
  });

  it('groups self time by package, node internals and the repo’s own projects', () => {
    const modules = Object.fromEntries(summarizeProfile(profile).modules.map((m) => [m.name, m.percent]));
    expect(modules).toEqual({
      'libs/signing': 50,
      kafkajs: 25,
      '(garbage collector)': 12.5,
      'node: internals': 12.5,
    });
  });
});
