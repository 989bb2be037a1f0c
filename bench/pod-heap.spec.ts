import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mebibytes, podNodeArgs } from './pod-heap.ts';

describe('podNodeArgs', () => {
  it("gives each service half its pod's memory limit as old generation, and the manifest's NODE_OPTIONS", () => {
    expect(podNodeArgs('dispatcher')).toEqual(['--max-old-space-size=384', '--max-semi-space-size=32']);
    expect(podNodeArgs('ingestion')).toEqual(['--max-old-space-size=256', '--max-semi-space-size=32']);
  });

  it('refuses a manifest whose container has no memory limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pod-heap-'));
    writeFileSync(
      join(dir, 'dispatcher.yaml'),
      'kind: Service\n---\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: dispatcher\n',
    );
    expect(() => podNodeArgs('dispatcher', dir)).toThrow('dispatcher has no memory limit');
  });
});

describe('mebibytes', () => {
  it('reads binary quantities and refuses others', () => {
    expect(mebibytes('768Mi')).toBe(768);
    expect(mebibytes('1Gi')).toBe(1024);
    expect(mebibytes('524288Ki')).toBe(512);
    expect(() => mebibytes('512M')).toThrow('expected a whole number of Ki, Mi or Gi');
  });
});
