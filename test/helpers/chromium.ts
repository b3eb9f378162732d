/** Headless Chromium (the Debian package) through playwright-core, which never downloads a browser. */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM_PATH) ? false : `chromium not installed at ${CHROMIUM_PATH} (apt-get install chromium)`;

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/** Opens a local file and collects every console error and uncaught exception. */
export async function openFile(browser: Browser, path: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // Offline on purpose: a report that needs the network fails here.
  await page.route('http*://**', (route) => route.abort());
  await page.goto(pathToFileURL(path).href);
  return { page, errors };
}
