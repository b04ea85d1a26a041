import { createMessage, newId } from '@agentos/contracts';
import { verifyChain } from '@agentos/event-store';
import { workflowStream } from '@agentos/orchestration';
import { incidentReport, reportHtml } from '@agentos/replay';
import { waitFor } from '@agentos/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ObservabilityHttp } from '../apps/observability/src/http.server';
import { observabilityTokens } from './observability-tokens';
import { startSystem, type RunningSystem } from './system';

const ARTIFACTS = join(__dirname, 'artifacts');
// Debian's Chromium, as root in a closed network: no sandbox, no background traffic.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Markup a user could put into anything a run records: it must reach the page as text. */
const ATTACK = '<img src=x onerror=alert(1)> "><script>alert(2)</script> [click](javascript:alert(3)) <a href="javascript:alert(4)">link</a>';
/** Elements no data may create: the page's only script is its own file. */
const INJECTED = 'img, svg, iframe, a, script:not([src="/dashboard.js"]), [onerror], [onload], [onclick]';

describe('the dashboard in headless Chromium, while workflows run', () => {
  const { env, tokens } = observabilityTokens([{ name: 'ops', tenant: 'system', role: 'operator' }]);
  let system: RunningSystem;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    system = await startSystem([], { env });
    url = `http://127.0.0.1:${system.service('observability').get(ObservabilityHttp).port}/`;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system.stop();
  });

  /** The page, signed in with the operator's token. */
  async function signedIn(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.goto(url);
    await page.waitForSelector('#conn:text("an access token is required")');
    await page.fill('#token', tokens.ops);
    await page.click('#use-token');
    await page.waitForSelector('#conn:text("live")');
    return page;
  }

  it('shows a workflow appear and complete live, and throws the kill switch with its button', async () => {
    const page = await signedIn();
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

    page.once('dialog', (dialog) => void dialog.accept(`stopped from the browser test ${ATTACK}`));
    await page.click('#kill-all');
    const shown = page.locator('[data-kill="global:*"]');
    await shown.waitFor({ timeout: 10_000 });
    expect(await shown.textContent()).toContain(ATTACK);
    expect(await page.locator(INJECTED).count()).toBe(0);
    const switches = await waitFor(() => system.client.query(createMessage('ListKillSwitches', {}, system.origin)), (r) => r.switches.length === 1);
    expect(switches.switches[0]).toMatchObject({ scope: 'global', target: '*', reason: `stopped from the browser test ${ATTACK} (dashboard token ops)`, activatedBy: 'user:ops' });
    await system.client.publishMessage(createMessage('ReleaseKillSwitch', { scope: 'global', target: '*', reason: 'test over' }, system.origin));
    await waitFor(() => system.client.query(createMessage('ListKillSwitches', {}, system.origin)), (r) => r.switches.length === 0);
  }, 60_000);

  it('shows markup from a run (goal, input, output) as text on the board and in its incident report', async () => {
    const page = await signedIn();
    const intentId = newId();
    await system.client.publishMessage(createMessage('SubmitIntent', { intentId, goal: ATTACK, capability: 'summarise', input: { text: ATTACK } }, system.origin));
    // The goal is the row's title (an attribute, set as text); the board shows no other user text.
    await page.waitForSelector(`tr[data-workflow="${intentId}"][data-status="completed"]`, { timeout: 15_000 });
    expect(await page.locator(`tr[data-workflow="${intentId}"] td`).first().getAttribute('title')).toBe(ATTACK);
    expect(await page.locator(INJECTED).count()).toBe(0);

    const records = await system.store.readStream(workflowStream(intentId));
    await page.setContent(reportHtml(incidentReport(records, { workflowId: intentId, chain: verifyChain(records) }), `Incident report: ${ATTACK}`));
    expect(await page.locator(INJECTED.replace(/script:not\(\[src="\/dashboard.js"\]\)/, 'script')).count()).toBe(0);
    // The goal and the agent's output (its summary, in the task's and the intent's completion) are shown as text.
    const body = (await page.textContent('body')) ?? '';
    expect(body.split('<img src=x onerror=alert(1)>').length - 1).toBe(3);
  }, 60_000);
});
