import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a headless Chromium that never phones home or needs a display. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function aptGet(...args: string[]): boolean {
  const result = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 480_000,
  });
  return result.status === 0;
}

/**
 * Debian's Chromium, installed on first use (the tests run as root on the CI machine): playwright-core
 * drives it and never downloads a browser of its own.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (!aptGet('install', '-y', '--no-install-recommends', 'chromium')) {
    // A fresh machine has no package lists yet.
    aptGet('update');
    aptGet('install', '-y', '--no-install-recommends', 'chromium');
  }
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`could not install Chromium at ${CHROMIUM_PATH} with apt-get`);
  return CHROMIUM_PATH;
}
