import type { PrismaService } from '@smart-dairy/db';
import { INTERNAL_TOPICS, type KafkaClient } from '@smart-dairy/kafka';
import { deliveryOutcomeCodec, deliveryTaskCodec } from '@smart-dairy/messages';
import { ServiceProcess, freePort, repoRoot, waitFor } from '@smart-dairy/stack';
import {
  TopicReader,
  connectTestKafka,
  connectTestPrisma,
  serviceEnv,
  uniquePrefix,
} from '@smart-dairy/testing';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './chromium';
import { createApiKeys, deadLetter, publishDeadLetters } from './support';

jest.setTimeout(180_000);

const ARTIFACTS = join(repoRoot, 'test-artifacts');

/** An operator in real headless Chromium, against the service and a stand-in dispatcher. */
describe('the review console in a browser', () => {
  const prefix = uniquePrefix('dlqc');
  const subscriptionId = `wh_sub_console${Date.now().toString(16)}`;
  let kafka: KafkaClient;
  let prisma: PrismaService;
  let service: ServiceProcess;
  let tasks: TopicReader;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  let keys: Record<'admin' | 'read', string>;
  const letters = [404, 404, 500, 500, 500].map((code, i) =>
    deadLetter(
      {
        subscriptionId,
        errorClass: `http_${code}`,
        finalError: `HTTP ${code}`,
        eventType: i % 2 ? 'payment.completed' : 'order.created',
        movedAt: new Date(Date.now() - (5 - i) * 60_000).toISOString(),
      },
      code === 500 ? 3 : 1,
    ),
  );

  beforeAll(async () => {
    const executablePath = ensureChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    kafka = await connectTestKafka(prefix);
    prisma = await connectTestPrisma();
    keys = await createApiKeys(prisma, 'dlq-console');
    tasks = await new TopicReader(kafka, [INTERNAL_TOPICS.deliveriesHigh]).start();
    service = new ServiceProcess('dlq-review', { port: await freePort(), env: serviceEnv(prefix) }).start();
    await service.waitUntilReady();
    await publishDeadLetters(kafka, letters);
    await waitFor(
      async () => (await prisma.deadLetterEntry.count({ where: { subscriptionId } })) === letters.length,
    );
    profile = mkdtempSync(join(tmpdir(), 'dlq-console-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 900 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await service?.stop();
    await tasks?.stop();
    await kafka?.disconnect();
    await prisma?.$disconnect();
  });

  const rows = () => page.locator('#entries tbody tr');

  it('signs in with an API key, refusing a wrong one', async () => {
    await page.goto(service.url);
    await page.getByLabel('API key', { exact: true }).fill('sdk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('That key was not accepted.').waitFor();

    await page.getByLabel('API key', { exact: true }).fill(keys.admin);
    await page.keyboard.press('Enter');
    await page.getByRole('table').waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
  });

  it('filters the table, with counts by error class and subscription', async () => {
    await page.getByLabel('Subscription', { exact: true }).fill(subscriptionId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('status').getByText('5 entries match.').waitFor();
    expect(await rows().count()).toBe(5);
    expect(await page.locator('#count-subscription').innerText()).toContain(`${subscriptionId} (5)`);

    await page.getByRole('button', { name: 'Filter by http_500, 3 entries' }).click();
    await waitFor(async () => (await rows().count()) === 3, { description: 'three http_500 rows' });
    expect(await page.getByLabel('Error class', { exact: true }).inputValue()).toBe('http_500');
    const shown = await page.locator('#entries tbody tr td:nth-child(2)').allInnerTexts();
    expect(shown).toEqual(
      letters
        .slice(2)
        .reverse()
        .map((l) => l.deliveryId),
    );
  });

  it('opens an entry with its payload and attempt timeline, replays it and follows its status', async () => {
    const letter = letters[4]!;
    await page.getByRole('button', { name: `Open ${letter.deliveryId}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading', { level: 2 }).innerText()).toBe(`Delivery ${letter.deliveryId}`);
    expect(await dialog.locator('#timeline li').allInnerTexts()).toEqual([
      expect.stringContaining('Attempt 1: HTTP 500'),
      expect.stringContaining('Attempt 2: HTTP 500'),
      expect.stringContaining('Attempt 3: HTTP 500'),
    ]);
    expect(JSON.parse(await dialog.getByLabel('Payload').innerText())).toEqual({
      id: letter.eventId,
      event: letter.eventType,
      timestamp: letter.occurredAt,
      data: letter.data,
    });
    await page.screenshot({ path: join(ARTIFACTS, 'dlq-console-entry.png') });

    await dialog.getByRole('button', { name: 'Replay' }).click();
    await page
      .getByRole('status')
      .getByText(`Replay of ${letter.deliveryId} sent; status retrying.`)
      .waitFor();
    await dialog.locator('.badge-retrying').waitFor();
    expect(await dialog.getByRole('button', { name: 'Replay' }).isDisabled()).toBe(true);

    // The dispatcher's part: the replay task arrives, the delivery succeeds, the outcome is published.
    const task = await waitFor(() =>
      tasks
        .values((v) => deliveryTaskCodec.decode(v))
        .find((t) => t.ok && t.value.deliveryId === letter.deliveryId && t.value.replay),
    );
    expect(task.ok).toBe(true);
    await kafka.producer.send({
      topic: kafka.topic(INTERNAL_TOPICS.outcomes),
      messages: [
        {
          key: subscriptionId,
          value: deliveryOutcomeCodec.encode({
            deliveryId: letter.deliveryId,
            subscriptionId,
            eventId: letter.eventId,
            eventType: letter.eventType,
            attempt: 4,
            outcome: 'delivered',
            statusCode: 200,
            errorClass: null,
            latencyMs: 9,
            nextAttemptAt: null,
            at: new Date().toISOString(),
          }),
        },
      ],
    });
    await page
      .getByRole('status')
      .getByText(`${letter.deliveryId} is now resolved.`)
      .waitFor({ timeout: 20_000 });
    await dialog.locator('.badge-resolved').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('replays a selection, and leaves a screenshot of the console', async () => {
    await page.getByLabel('Error class', { exact: true }).fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('pending');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(async () => (await rows().count()) === 4, { description: 'the four pending entries' });
    for (const letter of letters.slice(0, 2)) {
      await page.getByRole('checkbox', { name: `Select ${letter.deliveryId}` }).check();
    }
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Replay selected' }).click();
    await page.getByRole('status').getByText('Replayed 2 of 2; 0 skipped.').waitFor();
    await waitFor(async () => (await rows().count()) === 2, {
      description: 'the replayed entries gone from pending',
    });

    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('status').getByText('5 entries match.').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dlq-console.png'), fullPage: true });
    expect(await page.locator('#count-status').innerText()).toMatch(
      /pending \(2\)[\s\S]*retrying \(2\)[\s\S]*resolved \(1\)/,
    );
  });
});
