// Debian's Chromium through playwright-core, for the page, bundler and benchmark harnesses: the
// one place for its path and flags. The network flags keep Chromium from calling out (this
// machine's network is closed) and `--no-sandbox` is needed as root.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}
