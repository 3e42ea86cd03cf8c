// The web game (resources/web/) as players get it: served by the real pairmatch binary and
// played in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
//   - two pages match and play a whole duel to the end: both dealt from the same seed, the
//     same moves in the log, mirrored scores and outcomes;
//   - a new duel where one page closes mid-game: the other shows that its opponent left;
//   - a page whose connection drops (a TCP relay cuts it, the server does not notice) while
//     its opponent moves: it reconnects into its seat, catches up, and the duel ends right;
//   - an opponent that never comes (pairmatch-cli matched but never seated): "never came".
//   - a page against the C++ example bot (shared/client/examples/highcard.cpp): the two
//     shuffles deal the same deck, the duel ends with the same score on both sides.
// Environment: PAIRMATCH_BINARY, PAIRMATCH_CLI_BINARY, PAIRMATCH_HIGHCARD_BINARY;
// PAIRMATCH_SCREENSHOT=FILE saves a
// duel in progress (docs/game.png); CHROMIUM (default /usr/bin/chromium).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const HighCard = require('../../resources/web/game.js');

const SERVER = process.env.PAIRMATCH_BINARY;
const CLI = process.env.PAIRMATCH_CLI_BINARY;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = 20000;

// The real binary on 127.0.0.1 and a free port; resolves once it prints its one line.
function startServer(extra = []) {
    return new Promise((resolve, reject) => {
        const proc = spawn(SERVER, ['--no-gui', '--host', '127.0.0.1', '--port', '0', '--history', 'off', ...extra],
            { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        proc.stderr.on('data', (d) => { err += d; });
        proc.stdout.on('data', (d) => {
            out += d;
            const m = /^listening on ws:\/\/127\.0\.0\.1:(\d+)\n/.exec(out);
            if (m)
                resolve({ proc, port: Number(m[1]), http: `http://127.0.0.1:${m[1]}/`, stderr: () => err });
        });
        proc.on('exit', (code) => reject(new Error(`pairmatch exited (${code}) before listening: ${err}`)));
    });
}

function stopServer(server) {
    return new Promise((resolve) => {
        if (server.proc.exitCode !== null)
            return resolve(server.proc.exitCode);
        server.proc.removeAllListeners('exit');
        server.proc.on('exit', (code) => resolve(code));
        server.proc.kill('SIGTERM');
    });
}

// A TCP relay in front of the server: cut() drops every browser-side connection (RST) and
// leaves the server side open and silent, as a phone losing its network; while paused, new
// connections wait before they reach the server.
class Relay {
    constructor(targetPort) {
        this.targetPort = targetPort;
        this.links = [];
        this.paused = false;
        this.waiting = [];
        this.server = net.createServer((client) => this.accept(client));
    }
    listen() {
        return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port)));
    }
    accept(client) {
        if (this.paused) {
            client.pause();
            this.waiting.push(client);
            return;
        }
        const link = { client, cut: false, upstream: net.connect(this.targetPort, '127.0.0.1') };
        this.links.push(link);
        client.on('data', (d) => link.upstream.write(d));
        client.on('error', () => {});
        client.on('close', () => { if (!link.cut) link.upstream.end(); });
        client.resume();
        link.upstream.on('data', (d) => { if (!link.cut && !client.destroyed) client.write(d); });
        link.upstream.on('error', () => {});
        link.upstream.on('close', () => { if (!link.cut) client.destroy(); });
    }
    cut() {
        for (const link of this.links) {
            if (!link.cut && !link.client.destroyed) {
                link.cut = true;
                link.client.resetAndDestroy();
            }
        }
    }
    pause() { this.paused = true; }
    resume() {
        this.paused = false;
        for (const client of this.waiting.splice(0))
            this.accept(client);
    }
    close() {
        for (const link of this.links) {
            link.client.destroy();
            link.upstream.destroy();
        }
        this.server.close();
    }
}

let browser;
let server;

before(async () => {
    assert.ok(SERVER && fs.existsSync(SERVER), `PAIRMATCH_BINARY=${SERVER} is not there`);
    server = await startServer();
    browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
});

after(async () => {
    if (browser)
        await browser.close();
    if (server)
        assert.equal(await stopServer(server), 0, 'pairmatch did not exit 0 on SIGTERM');
});

// A fresh page of its own (its own context: no shared storage), on this origin.
async function openPage(origin, name, table) {
    const context = await browser.newContext({ viewport: { width: 820, height: 680 } });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.errors = errors;
    await page.goto(origin);
    assert.equal(await page.title(), 'High card · pairmatch');
    await page.fill('#name', name);
    await page.fill('#table-no', String(table));
    return page;
}

const text = (page, selector) => page.locator(selector).innerText();
const roundsDecided = (page) => page.locator('#moves li.round').count();

async function waitRounds(page, n) {
    await page.waitForFunction((k) => document.querySelectorAll('#moves li.round').length >= k, n);
}

async function putCardDown(page) {
    const card = page.locator('#hand button.card:enabled').first();
    await card.waitFor();
    const value = Number(await card.getAttribute('data-card'));
    await card.click();
    return value;
}

async function hand(page) {
    const values = await page.locator('#hand button.card').evaluateAll((bs) => bs.map((b) => Number(b.dataset.card)));
    return values.sort((a, b) => a - b);
}

async function seedOf(page) {
    const m = /seed (\d+)/.exec(await text(page, '#moves'));
    assert.ok(m, 'the log names the seed');
    return Number(m[1]);
}

async function startDuel(a, b) {
    await a.click('#enter');
    await a.waitForSelector('#status:has-text("Waiting for an opponent at table")');
    await b.click('#enter');
    for (const p of [a, b])
        await p.waitForSelector('body[data-state="playing"]');
}

test('two pages match and play a whole duel to the end', async () => {
    const alice = await openPage(server.http, 'alice', 7);
    const bob = await openPage(server.http, 'bob', 7);
    await startDuel(alice, bob);
    assert.equal(await text(alice, '#opponent-name'), 'bob');
    assert.equal(await text(bob, '#opponent-name'), 'alice');
    assert.equal(await text(alice, '#me-name'), 'alice');

    // both pages dealt from the same deck, shuffled from the shared seed: bob entered second,
    // so he is prepare's first user and holds deck[0..4], alice deck[5..9]
    const seed = await seedOf(alice);
    assert.equal(await seedOf(bob), seed);
    const deck = HighCard.shuffledDeck(seed);
    const sorted = (cards) => [...cards].sort((x, y) => x - y);
    assert.deepEqual(await hand(bob), sorted(deck.slice(0, 5)));
    assert.deepEqual(await hand(alice), sorted(deck.slice(5, 10)));

    for (let r = 0; r < HighCard.ROUNDS; ++r) {
        await putCardDown(alice);
        if (r === 2) {
            // a duel in progress as bob sees it: alice's card face down, his hand to pick from
            await bob.waitForSelector('#their-card .card.back');
            assert.match(await text(bob, '#status'), /Your turn/);
            if (process.env.PAIRMATCH_SCREENSHOT)
                await bob.screenshot({ path: process.env.PAIRMATCH_SCREENSHOT });
        }
        await putCardDown(bob);
        await waitRounds(alice, r + 1);
        await waitRounds(bob, r + 1);
    }
    for (const p of [alice, bob])
        await p.waitForSelector('#outcome:not([hidden])');
    const outcomes = [await alice.getAttribute('body', 'data-outcome'), await bob.getAttribute('body', 'data-outcome')];
    const mirror = { won: 'lost', lost: 'won', tie: 'tie' };
    assert.ok(outcomes[0] in mirror, `alice's outcome: ${outcomes[0]}`);
    assert.equal(outcomes[1], mirror[outcomes[0]]);
    const titles = { won: 'You won!', lost: 'You lost.', tie: 'A tie.' };
    assert.equal(await text(alice, '#outcome-title'), titles[outcomes[0]]);
    assert.equal(await text(bob, '#outcome-title'), titles[outcomes[1]]);
    assert.equal(await text(alice, '#me-score'), await text(bob, '#them-score'));
    assert.equal(await text(alice, '#them-score'), await text(bob, '#me-score'));
    const [sa, sb] = [Number(await text(alice, '#me-score')), Number(await text(bob, '#me-score'))];
    assert.match(await text(alice, '#outcome-text'), new RegExp(`Final score ${sa}–${sb} against bob`));
    // the same rounds, seen from each side: five decided, one per round
    assert.equal(await roundsDecided(alice), 5);
    assert.equal(await roundsDecided(bob), 5);
    assert.equal(await alice.locator('#hand button').count(), 0);
    assert.deepEqual(alice.errors.concat(bob.errors), []);

    // a new duel, and bob closes his page in the middle of it
    await alice.click('#again');
    await alice.waitForSelector('#status:has-text("Waiting for an opponent at table 7")');
    await bob.click('#again');
    for (const p of [alice, bob])
        await p.waitForSelector('body[data-state="playing"]');
    await putCardDown(alice);
    await putCardDown(bob);
    await waitRounds(alice, 1);
    await bob.context().close();
    await alice.waitForSelector('#outcome:not([hidden])');
    assert.equal(await text(alice, '#outcome-title'), 'Your opponent left.');
    assert.equal(await alice.getAttribute('body', 'data-outcome'), 'left');
    assert.match(await text(alice, '#status'), /Your opponent left/);
    assert.equal(await alice.locator('#hand button.card:enabled').count(), 0);
    assert.deepEqual(alice.errors, []);
    await alice.context().close();
});

test('a dropped connection reconnects into its seat and catches up', async () => {
    const relay = new Relay(server.port);
    const relayPort = await relay.listen();
    const carol = await openPage(`http://127.0.0.1:${relayPort}/`, 'carol', 9);
    const dave = await openPage(server.http, 'dave', 9);
    await startDuel(carol, dave);
    await putCardDown(carol);
    await putCardDown(dave);
    await waitRounds(carol, 1);
    await waitRounds(dave, 1);

    // carol's network goes; the server still holds her connection. Dave moves meanwhile:
    // his move goes to her old connection and is lost with it.
    relay.pause();
    relay.cut();
    await carol.waitForSelector('#status:has-text("reconnecting")');
    const davesCard = await putCardDown(dave);
    await dave.waitForSelector('#moves li:has-text("You put a card down (round 2)")');
    relay.resume();

    // she takes her seat back (dave hears nothing of it) and learns dave's card
    await carol.waitForSelector('#moves li:has-text("Back at the table.")');
    await carol.waitForSelector('#moves li:has-text("put a card down (round 2)")');
    await putCardDown(carol);
    await waitRounds(carol, 2);
    await waitRounds(dave, 2);
    assert.match(await text(carol, '#moves li.round >> nth=1'), new RegExp(HighCard.cardName(davesCard)));
    for (let r = 2; r < HighCard.ROUNDS; ++r) {
        await putCardDown(carol);
        await putCardDown(dave);
        await waitRounds(carol, r + 1);
        await waitRounds(dave, r + 1);
    }
    for (const p of [carol, dave])
        await p.waitForSelector('#outcome:not([hidden])');
    assert.equal(await text(carol, '#me-score'), await text(dave, '#them-score'));
    assert.equal(await text(carol, '#them-score'), await text(dave, '#me-score'));
    assert.notEqual(await dave.getAttribute('body', 'data-outcome'), 'left');
    assert.equal(await dave.locator('#moves li:has-text("left")').count(), 0);
    assert.deepEqual(carol.errors.concat(dave.errors), []);
    await carol.context().close();
    await dave.context().close();
    relay.close();
});

test('an opponent who never comes', async () => {
    assert.ok(CLI && fs.existsSync(CLI), `PAIRMATCH_CLI_BINARY=${CLI} is not there`);
    const quick = await startServer(['--prepare-timeout-ms', '1000']);
    try {
        const erin = await openPage(quick.http, 'erin', 11);
        await erin.click('#enter');
        await erin.waitForSelector('#status:has-text("Waiting for an opponent at table 11")');
        // a player who is matched and never sits down
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pairmatch-ghost-'));
        const script = path.join(dir, 'ghost.pmqa');
        fs.writeFileSync(script, 'ghost enter-only 11\nghost expect prepare\nsleep 3000\n');
        const ghost = spawn(CLI, ['--script', script, `ws://127.0.0.1:${quick.port}`], { stdio: 'ignore' });
        await erin.waitForSelector('#outcome:not([hidden])');
        assert.equal(await text(erin, '#outcome-title'), 'Your opponent never came.');
        assert.equal(await erin.getAttribute('body', 'data-outcome'), 'invalid');
        assert.match(await text(erin, '#outcome-text'), /ghost was matched with you/);
        const code = await new Promise((resolve) => ghost.on('exit', resolve));
        assert.equal(code, 0);
        fs.rmSync(dir, { recursive: true });
        await erin.context().close();
    } finally {
        await stopServer(quick);
    }
});

test('a page plays the C++ example bot: both deal the same deck', async () => {
    const HIGHCARD = process.env.PAIRMATCH_HIGHCARD_BINARY;
    assert.ok(HIGHCARD && fs.existsSync(HIGHCARD), `PAIRMATCH_HIGHCARD_BINARY=${HIGHCARD} is not there`);
    const frank = await openPage(server.http, 'frank', 13);
    await frank.click('#enter');
    await frank.waitForSelector('#status:has-text("Waiting for an opponent at table 13")');
    const bot = spawn(HIGHCARD, [`ws://127.0.0.1:${server.port}`, 'bot', '13'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    bot.stdout.on('data', (d) => { printed += d; });
    const exited = new Promise((resolve) => bot.on('exit', resolve));
    await frank.waitForSelector('body[data-state="playing"]');
    for (let r = 0; r < HighCard.ROUNDS; ++r) {
        await putCardDown(frank);
        await waitRounds(frank, r + 1);
    }
    await frank.waitForSelector('#outcome:not([hidden])');
    assert.equal(await exited, 0, `the bot: ${printed}`);
    // every card the bot put down was one the page dealt it: no move was refused
    assert.equal(await frank.locator('#moves li.alert').count(), 0, await text(frank, '#moves'));
    const [mine, theirs] = [await text(frank, '#me-score'), await text(frank, '#them-score')];
    assert.match(printed.trim(), new RegExp(`^(won|did not win) ${theirs}-${mine}$`));
    assert.deepEqual(frank.errors, []);
    await frank.context().close();
});

test('the page is served with its types, caching headers, 404s, and the sockets unchanged', async () => {
    const get = (p, init) => fetch(new URL(p, server.http), init);
    const page = await get('/');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const etag = page.headers.get('etag');
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
    assert.equal((await get('/', { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await get('/game.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal((await get('/style.css')).headers.get('content-type'), 'text/css; charset=utf-8');
    const head = await get('/app.js', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers.get('content-length')) > 0);
    assert.equal((await get('/missing.html')).status, 404);
    assert.equal((await get('/ws/matching/1')).status, 400); // a socket path, no upgrade: as ever
});
