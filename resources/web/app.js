// The page: a lobby form, the table (both players, the round, the cards down, your hand),
// the outcome, and every move in a log. The rules are game.js's, the protocol pairmatch.js's.
'use strict';
(function () {
    const { Duel, ROUNDS, cardName, isRed } = HighCard;
    const $ = (id) => document.getElementById(id);
    const params = new URLSearchParams(location.search);
    const prefix = new URL('.', location.href).pathname.replace(/\/$/, '');
    const server = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + prefix;
    const client = new PairmatchClient(server);
    let duel = null;
    let finished = false;

    const CLOSE_TEXT = {
        4000: 'An operator removed you from the game.',
        4001: 'You opened this game in another tab or on another device.',
        1008: 'The server closed the connection (too many messages).',
        1009: 'The server closed the connection (a message was too large).',
    };

    $('name').value = params.get('name') || sessionStorage.getItem('pairmatch.name') || '';
    $('table-no').value = params.get('table') || '1';

    function opponentName() {
        const o = client.opponent;
        return o ? (o.name || o.userId) : 'your opponent';
    }

    function setStatus(text, kind) {
        const status = $('status');
        status.textContent = text;
        status.dataset.kind = kind || 'info';
    }

    function logLine(text, kind) {
        const li = document.createElement('li');
        li.textContent = text;
        if (kind)
            li.className = kind;
        $('moves').appendChild(li);
        li.scrollIntoView({ block: 'nearest' });
    }

    function cardElement(card, faceDown) {
        const el = document.createElement('div');
        el.className = 'card' + (faceDown ? ' back' : isRed(card) ? ' red' : '');
        el.textContent = faceDown ? '' : cardName(card);
        return el;
    }

    function render() {
        document.body.dataset.state = client.state;
        if (!duel)
            return;
        const me = duel.me;
        const them = duel.them;
        $('me-name').textContent = client.userId;
        $('opponent-name').textContent = opponentName();
        $('me-score').textContent = duel.score[me];
        $('them-score').textContent = duel.score[them];
        $('round-no').textContent = Math.min(duel.round + 1, ROUNDS);

        // the cards down: this round's, else the last decided round's
        const r = duel.round;
        const current = duel.played[me].length > r || duel.played[them].length > r || r === 0;
        const shown = current ? r : r - 1;
        for (const [slot, seat] of [['my-card', me], ['their-card', them]]) {
            const el = $(slot);
            el.replaceChildren();
            const card = duel.played[seat][shown];
            if (card !== undefined)
                el.appendChild(cardElement(card, current && seat === them && duel.played[me].length <= r));
        }
        $('board').classList.toggle('decided', !current);

        const hand = $('hand');
        hand.replaceChildren();
        const canPlay = client.state === 'playing' && duel.myTurn() && !finished;
        for (const card of duel.myHand()) {
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'card' + (isRed(card) ? ' red' : '');
            button.textContent = cardName(card);
            button.dataset.card = String(card);
            button.disabled = !canPlay;
            button.addEventListener('click', () => play(card));
            hand.appendChild(button);
        }
        if (client.state === 'playing' && !finished) {
            setStatus(duel.myTurn() ? 'Your turn: put a card down.'
                : `Waiting for ${opponentName()} to put a card down…`, duel.myTurn() ? 'turn' : 'info');
        }
    }

    function play(card) {
        if (!duel || !duel.myTurn() || finished)
            return;
        client.move({ round: duel.round, card });
        for (const b of $('hand').querySelectorAll('button'))
            b.disabled = true;
    }

    function showOutcome(kind, title, text) {
        finished = true;
        document.body.dataset.outcome = kind;
        $('outcome').hidden = false;
        $('outcome').dataset.kind = kind;
        $('outcome-title').textContent = title;
        $('outcome-text').textContent = text;
        setStatus(title, kind === 'won' || kind === 'tie' || kind === 'lost' ? 'done' : 'alert');
        render();
    }

    function scoreText() {
        return duel ? `${duel.score[duel.me]}–${duel.score[duel.them]}` : '';
    }

    // A move from the round, either player's (our own come back too).
    function onMove(userId, data) {
        const mine = userId === client.userId;
        const who = mine ? 'You' : opponentName();
        if (data && data.sync === 'request') {
            // the other page came back after a dropped connection: tell it what it missed
            if (!mine)
                client.move({ history: duel.played });
            return;
        }
        if (data && Array.isArray(data.history)) {
            if (!mine)
                mergeHistory(data.history);
            return;
        }
        const result = duel.apply(userId, data);
        afterApply(result, who);
    }

    function afterApply(result, who) {
        if (result.kind === 'played') {
            logLine(`${who} put a card down (round ${result.round + 1}).`);
        } else if (result.kind === 'cheat') {
            logLine(`${who} played a card they were not dealt: the move is ignored.`, 'alert');
        } else if (result.kind === 'round') {
            const me = duel.me;
            const mine = cardName(result.cards[me]);
            const theirs = cardName(result.cards[duel.them]);
            const taker = result.winner < 0 ? 'nobody takes it' : result.winner === me ? 'you take it' : `${opponentName()} takes it`;
            logLine(`Round ${result.round + 1}: your ${mine} against ${theirs}, ${taker}.`, 'round');
            if (result.over)
                client.end();
        }
        render();
    }

    function mergeHistory(history) {
        for (let r = 0; r < ROUNDS; ++r) {
            for (let seat = 0; seat < 2; ++seat) {
                const cards = history[seat] || [];
                if (cards.length > r && duel.played[seat].length === r) {
                    const who = seat === duel.me ? 'You' : opponentName();
                    afterApply(duel.apply(duel.users[seat], { round: r, card: cards[r] }), who);
                }
            }
        }
    }

    client.addEventListener('statechange', () => render());
    client.addEventListener('queued', () => setStatus(`Waiting for an opponent at table ${client.type}…`));
    client.addEventListener('matched', (e) => {
        const seat = e.detail;
        duel = new Duel(seat.seed, seat.users, client.userId);
        $('table').hidden = false;
        $('lobby').hidden = true;
        setStatus(`Matched with ${opponentName()}: taking seats…`);
        logLine(`Matched with ${opponentName()} (seed ${seat.seed}).`);
        render();
    });
    client.addEventListener('waiting', () => setStatus(`Waiting for ${opponentName()} to sit down…`));
    client.addEventListener('started', () => {
        logLine(`${opponentName()} sat down: the duel starts.`);
        render();
    });
    client.addEventListener('moved', (e) => onMove(e.detail.userId, e.detail.data));
    client.addEventListener('ended', () => {
        const result = duel ? duel.result() : 'tie';
        const title = result === 'won' ? 'You won!' : result === 'lost' ? 'You lost.' : 'A tie.';
        showOutcome(result, title, `Final score ${scoreText()} against ${opponentName()}.`);
        client.close();
    });
    client.addEventListener('opponentleft', () => {
        showOutcome('left', 'Your opponent left.',
            `${opponentName()} left the game at ${scoreText()}. Nobody wins this one.`);
        client.close();
    });
    client.addEventListener('invalid', () => {
        showOutcome('invalid', 'Your opponent never came.',
            `${opponentName()} was matched with you but did not sit down in time.`);
    });
    client.addEventListener('error', (e) => {
        if (client.state === 'over') {
            showOutcome('gone', 'The game is gone.',
                'Your connection dropped and the game ended before you were back.');
        } else {
            logLine(`The server said: ${e.detail.message} (${e.detail.code}).`, 'alert');
        }
    });
    client.addEventListener('reconnecting', (e) => {
        setStatus(`Connection lost: reconnecting (attempt ${e.detail.attempt})…`, 'alert');
        logLine('Connection lost; reconnecting.', 'alert');
    });
    client.addEventListener('resumed', () => {
        logLine('Back at the table.', 'note');
        if (duel && client.state === 'playing')
            client.move({ sync: 'request' });
        render();
    });
    client.addEventListener('disconnected', (e) => {
        if (client.state !== 'closed' || finished)
            return;
        const text = CLOSE_TEXT[e.detail.code]
            || (e.detail.code === 1001 || e.detail.code === 1006
                ? 'The connection to the server is lost.' : `The server closed the connection (${e.detail.code}).`);
        showOutcome('closed', 'Disconnected.', text);
    });

    $('enter-form').addEventListener('submit', (event) => {
        event.preventDefault();
        const name = $('name').value.trim();
        if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) {
            setStatus('A name is 1 to 64 letters, digits or _ . @ -', 'alert');
            return;
        }
        sessionStorage.setItem('pairmatch.name', name);
        finished = false;
        duel = null;
        delete document.body.dataset.outcome;
        $('moves').replaceChildren();
        $('outcome').hidden = true;
        client.enter(Number($('table-no').value) || 0, { userId: name });
        setStatus('Looking for an opponent…');
        $('lobby').hidden = true;
        render();
    });
    $('again').addEventListener('click', () => {
        $('table').hidden = true;
        $('lobby').hidden = false;
        $('enter-form').requestSubmit();
    });
    render();
})();
