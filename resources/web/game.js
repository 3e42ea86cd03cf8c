// High card: the rules of the duel both pages play, with nothing of the page or the network
// in it (node can load it too). Both players shuffle the same deck from the pair's shared
// seed, so nobody sends a card they were not dealt unnoticed.
//
//   deck    the cards 0..51 (rank = card % 13, 2 to ace; suit = card / 13), shuffled by
//           Fisher-Yates driven by mulberry32(seed). The C++ bot in
//           shared/client/examples/highcard.cpp shuffles the same way.
//   hands   the first user of `prepare`'s users holds deck[0..4], the second deck[5..9]
//   rounds  5; in each both put down one card of their hand ({"round": r, "card": c});
//           once both are down, the higher rank takes the round (equal ranks: nobody).
//           A player puts down round r+1 only after round r is decided.
//   end     after round 5 the one who took more rounds wins.
'use strict';
(function (root) {
    const ROUNDS = 5;
    const HAND = 5;
    const RANKS = ['2', '3', '4', '5', '6', '7', '8', '9', '10', 'J', 'Q', 'K', 'A'];
    const SUITS = ['♠', '♥', '♦', '♣'];

    // mulberry32: a small 32-bit PRNG, the same numbers in every language that has 32-bit
    // unsigned arithmetic. Returns floats in [0, 1).
    function mulberry32(seed) {
        let a = seed >>> 0;
        return function () {
            a = (a + 0x6D2B79F5) >>> 0;
            let t = Math.imul(a ^ (a >>> 15), 1 | a);
            t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
    }

    function shuffledDeck(seed) {
        const deck = Array.from({ length: 52 }, (_, i) => i);
        const next = mulberry32(seed);
        for (let i = deck.length - 1; i > 0; --i) {
            const j = Math.floor(next() * (i + 1));
            [deck[i], deck[j]] = [deck[j], deck[i]];
        }
        return deck;
    }

    const rank = (card) => card % 13;
    const suit = (card) => Math.floor(card / 13);
    const cardName = (card) => RANKS[rank(card)] + SUITS[suit(card)];
    const isRed = (card) => suit(card) === 1 || suit(card) === 2;

    // One duel as one player sees it. users: `prepare`'s users; myId: this player's userId.
    class Duel {
        constructor(seed, users, myId) {
            this.users = users.map((u) => u.userId);
            this.me = this.users.indexOf(myId);
            const deck = shuffledDeck(seed);
            this.hands = [deck.slice(0, HAND), deck.slice(HAND, 2 * HAND)];
            this.played = [[], []]; // by seat: the card of each round, in order
            this.score = [0, 0];
            this.round = 0; // rounds decided
        }

        seatOf(userId) { return this.users.indexOf(userId); }
        get them() { return 1 - this.me; }
        get over() { return this.round >= ROUNDS; }
        myHand() { return this.hands[this.me].filter((c) => !this.played[this.me].includes(c)); }
        // Whether this player may put a card down now.
        myTurn() { return !this.over && this.played[this.me].length === this.round; }

        // A relayed move. Returns what it did: {kind: 'ignored'} (a duplicate, or not a
        // card move), {kind: 'cheat', seat} (a card that seat does not hold), {kind:
        // 'played', seat, round, card}, or {kind: 'round', round, cards, winner (-1: tie),
        // over}.
        apply(userId, data) {
            const seat = this.seatOf(userId);
            if (seat < 0 || data === null || typeof data !== 'object')
                return { kind: 'ignored' };
            const r = data.round;
            const card = data.card;
            if (!Number.isInteger(r) || r !== this.played[seat].length || r >= ROUNDS)
                return { kind: 'ignored' }; // seen already, or out of turn
            if (r > this.round)
                return { kind: 'ignored' }; // ahead of the round being played
            if (!this.hands[seat].includes(card) || this.played[seat].includes(card))
                return { kind: 'cheat', seat };
            this.played[seat].push(card);
            if (this.played[1 - seat].length <= r)
                return { kind: 'played', seat, round: r, card };
            const cards = [this.played[0][r], this.played[1][r]];
            const winner = rank(cards[0]) > rank(cards[1]) ? 0 : rank(cards[1]) > rank(cards[0]) ? 1 : -1;
            if (winner >= 0)
                this.score[winner] += 1;
            this.round = r + 1;
            return { kind: 'round', round: r, cards, winner, over: this.over };
        }

        // 'won', 'lost' or 'tie' for this player, once over.
        result() {
            const mine = this.score[this.me];
            const theirs = this.score[this.them];
            return mine > theirs ? 'won' : mine < theirs ? 'lost' : 'tie';
        }
    }

    root.HighCard = { ROUNDS, HAND, mulberry32, shuffledDeck, rank, suit, cardName, isRed, Duel };
    if (typeof module === 'object' && module.exports)
        module.exports = root.HighCard;
})(typeof globalThis !== 'undefined' ? globalThis : this);
