import { createMessage, newId } from '@agentos/contracts';
import { waitFor } from '@agentos/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ObservabilityHttp } from '../apps/observability/src/http.server';
import { startSystem, type RunningSystem } from './system';

const ARTIFACTS = join(__dirname, 'artifacts');
// Debian's Chromium, as root in a closed network: no sandbox, no background traffic.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the dashboard in headless Chromium, while workflows run', () => {
  let system: RunningSystem;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    system = await startSystem();
    url = `http://127.0.0.1:${system.service('observability').get(ObservabilityHttp).port}/`;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system.stop();
  });

  it('shows a workflow appear and complete live, and throws the kill switch with its button', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(url);
    await page.waitForSelector('#conn:text("live")');
    await page.waitForSelector('#agents td:text("summariser@1.0.0")');

    // Submitted after the page is open: it must arrive over the live feed.
    const intentId = newId();
    await system.client.publishMessage(createMessage('SubmitIntent', { intentId, goal: 'show me', capability: 'summarise', input: { text: 'Watched live. Twice.' } }, system.origin));
    const row = page.locator(`tr[data-workflow="${intentId}"]`);
    await row.waitFor();
    await page.waitForSelector(`tr[data-workflow="${intentId}"][data-status="completed"]`, { timeout: 15_000 });
    expect(await row.locator('.seg').count()).toBeGreaterThanOrEqual(5); // submitted, decided, assigned, done, completed
    await page.waitForSelector('#completed:not(:text("0"))');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    page.once('dialog', (dialog) => void dialog.accept('stopped from the browser test'));
    await page.click('#kill-all');
    await page.waitForSelector('[data-kill="global:*"]', { timeout: 10_000 });
    const switches = await waitFor(() => system.client.query(createMessage('ListKillSwitches', {}, system.origin)), (r) => r.switches.length === 1);
    expect(switches.switches[0]).toMatchObject({ scope: 'global', target: '*', reason: 'stopped from the browser test', activatedBy: 'user:dashboard' });
  }, 60_000);
});
