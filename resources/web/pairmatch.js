// PairmatchClient: one player of a pairmatch server in the browser, the same protocol and the
// same behaviour as the C++ pairmatch::Client (shared/client/include/pairmatch/client.h).
//
//   const client = new PairmatchClient('ws://127.0.0.1:8080');
//   client.addEventListener('started', (e) => ...);          // e.detail: start's users
//   client.addEventListener('moved', (e) => ...);            // e.detail: {userId, data}
//   client.enter(3, { userId: 'alice' });
//
// enter() opens /ws/matching/{type} and sends `entry`; on `prepare` it opens
// /ws/round/{pairId} itself and sends `prepared` with its token. Events, one per server
// message: queued, cancelled, matched, waiting, started, moved, ended, opponentleft (`none`),
// invalid, error ({code, message}), opponentaway / opponentback (servers with a reconnect
// grace); and statechange, message (every message), disconnected ({code, reason}),
// reconnecting ({attempt, delayMs}), resumed.
//
// A dropped connection (close code 1006, no close frame; or 1001) is reopened: in a round
// with the same token (a takeover), while queued with a new `entry`. Where the server
// numbers moves (`seq`), the last one seen goes back as `lastSeq` and moves seen already
// are dropped. Moves made while reconnecting are held and sent once seated again.
'use strict';
(function (root) {
    const LIVE = new Set(['entering', 'queued', 'joining', 'waiting', 'playing', 'reconnecting']);

    class PairmatchClient extends EventTarget {
        constructor(server) {
            super();
            this.server = server.replace(/\/+$/, '');
            this.state = 'idle';
            this.user = null;
            this.type = 0;
            this.seat = null; // {type, seed, pairId, token, user, users, lastSeq}
            this.startUsers = [];
            this.maxAttempts = 5;
            this.firstDelayMs = 250;
            this.lastClose = null;
            this._socket = null;
            this._endpoint = null;
            this._started = false;
            this._resuming = false;
            this._numbered = false;
            this._attempt = 0;
            this._held = [];
            this._timer = null;
            this._before = 'idle';
        }

        get userId() { return this.user ? this.user.userId : ''; }
        get opponent() {
            const users = this.startUsers.length ? this.startUsers : (this.seat ? this.seat.users : []);
            return users.find((u) => u.userId !== this.userId) || null;
        }

        enter(type, user) {
            clearTimeout(this._timer);
            this.user = user;
            this.type = type;
            this.seat = null;
            this.startUsers = [];
            this._started = false;
            this._resuming = false;
            this._attempt = 0;
            this._held = [];
            if (this._isOpen() && this._endpoint === 'matching:' + type) {
                this._setState('entering');
                this._send({ command: 'entry', user });
                return;
            }
            this._open('matching');
        }

        cancel() { this._send({ command: 'cancel' }); }

        join(seat) {
            clearTimeout(this._timer);
            this.seat = Object.assign({ lastSeq: 0 }, seat);
            if (seat.user)
                this.user = seat.user;
            this.startUsers = [];
            this._started = false;
            this._resuming = false;
            this._attempt = 0;
            this._held = [];
            this._open('round');
        }

        move(data) { this._sendOrHold({ command: 'game', data }); }
        end() { this._sendOrHold({ command: 'end' }); }

        close() {
            clearTimeout(this._timer);
            this._held = [];
            this._drop(1000);
            if (LIVE.has(this.state) || this.state === 'closed')
                this._setState('idle');
        }

        _emit(name, detail) { this.dispatchEvent(new CustomEvent(name, { detail })); }

        _setState(state) {
            if (this.state === state)
                return;
            this.state = state;
            this._emit('statechange', state);
        }

        _isOpen() { return this._socket !== null && this._socket.readyState === WebSocket.OPEN; }

        _send(message) {
            if (this._isOpen())
                this._socket.send(JSON.stringify(message));
        }

        _sendOrHold(message) {
            if (this.state === 'reconnecting' || (this._resuming && this.state === 'joining')) {
                this._held.push(message);
                return;
            }
            this._send(message);
        }

        _url(endpoint) {
            return this.server + (endpoint === 'matching'
                ? '/ws/matching/' + this.type
                : '/ws/round/' + encodeURIComponent(this.seat.pairId));
        }

        // Forgets the current socket; closes it with code, or leaves it to die (0).
        _drop(code) {
            const socket = this._socket;
            if (!socket)
                return;
            this._socket = null;
            socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
            if (code && socket.readyState <= WebSocket.OPEN)
                socket.close(code);
        }

        _open(endpoint) {
            this._drop(1000);
            this._endpoint = endpoint === 'matching' ? 'matching:' + this.type : 'round';
            if (this.state !== 'reconnecting')
                this._setState(endpoint === 'matching' ? 'entering' : 'joining');
            let socket;
            try {
                socket = new WebSocket(this._url(endpoint));
            } catch (e) {
                this._lost(1006, String(e));
                return;
            }
            this._socket = socket;
            socket.onopen = () => this._opened(endpoint);
            socket.onmessage = (event) => {
                let message;
                try {
                    message = JSON.parse(event.data);
                } catch (e) {
                    return;
                }
                if (message && typeof message === 'object' && !Array.isArray(message))
                    this._handle(message);
            };
            socket.onclose = (event) => {
                if (socket !== this._socket)
                    return;
                this._socket = null;
                this._closed(event.code, event.reason);
            };
        }

        _opened(endpoint) {
            if (endpoint === 'matching') {
                if (this.state === 'reconnecting')
                    this._setState('entering');
                this._send({ command: 'entry', user: this.user });
                return;
            }
            if (this.state === 'reconnecting')
                this._setState('joining');
            const prepared = { command: 'prepared', user: this.user, token: this.seat.token };
            if ((this._resuming && this._numbered) || this.seat.lastSeq > 0)
                prepared.lastSeq = this.seat.lastSeq;
            this._send(prepared);
        }

        _handle(m) {
            this._emit('message', m);
            switch (m.command) {
            case 'game': {
                if (Number.isInteger(m.seq) && m.seq > 0) {
                    this._numbered = true;
                    if (m.seq <= this.seat.lastSeq)
                        return; // replayed, seen already
                    this.seat.lastSeq = m.seq;
                }
                this._emit('moved', { userId: m.userId, data: m.data === undefined ? null : m.data });
                return;
            }
            case 'entried':
                this._attempt = 0;
                this._setState('queued');
                this._emit('queued');
                return;
            case 'cancelled':
                this._setState('idle');
                this._emit('cancelled');
                return;
            case 'prepare':
                this.seat = {
                    type: m.type, seed: m.seed, pairId: m.pairId, token: m.token,
                    user: this.user, users: m.users || [], lastSeq: 0,
                };
                this.startUsers = [];
                this._started = false;
                this._numbered = false;
                this._open('round');
                this._emit('matched', this.seat);
                return;
            case 'wait':
                this._attempt = 0;
                this._setState('waiting');
                if (this._resuming) {
                    this._resuming = false;
                    this._emit('resumed');
                }
                this._emit('waiting');
                return;
            case 'start': {
                this._attempt = 0;
                if ('seq' in m)
                    this._numbered = true;
                this.startUsers = m.users || [];
                this._setState('playing');
                const again = this._started;
                this._started = true;
                if (this._resuming) {
                    this._resuming = false;
                    this._emit('resumed');
                }
                if (!again)
                    this._emit('started', this.startUsers);
                const held = this._held;
                this._held = [];
                held.forEach((message) => this._send(message));
                return;
            }
            case 'ended':
                this._attempt = 0;
                this._held = [];
                this._setState('ended');
                if (this._resuming) {
                    this._resuming = false;
                    this._emit('resumed');
                }
                this._emit('ended');
                return;
            case 'none':
                this._held = [];
                this._setState('over');
                this._emit('opponentleft');
                return;
            case 'invalid':
                this._held = [];
                this._setState('over');
                this._emit('invalid');
                return;
            case 'away':
                this._emit('opponentaway', m.userId);
                return;
            case 'back':
                this._emit('opponentback', m.userId);
                return;
            case 'error':
                if (this.state === 'joining' && (m.code === 'unknown_pair' || m.code === 'not_in_pair')) {
                    this._resuming = false;
                    this._held = [];
                    this._drop(1000);
                    this._setState('over');
                }
                this._emit('error', { code: m.code, message: m.message });
                return;
            default:
                return;
            }
        }

        _closed(code, reason) {
            // 1006: no close frame (the connection dropped); 1001: ping timeout or shutdown.
            if (code !== 1006 && code !== 1001) {
                this.lastClose = { code, reason };
                this._held = [];
                if (LIVE.has(this.state))
                    this._setState('closed');
                this._emit('disconnected', { code, reason });
                return;
            }
            this._lost(code, reason);
        }

        _lost(code, reason) {
            this.lastClose = { code, reason };
            if (!LIVE.has(this.state)) {
                this._emit('disconnected', { code, reason });
                return;
            }
            if (this.state !== 'reconnecting')
                this._before = this.state;
            if (this._attempt >= this.maxAttempts) {
                this._held = [];
                this._setState('closed');
                this._emit('disconnected', { code, reason });
                return;
            }
            this._attempt += 1;
            const delayMs = Math.min(4000, this.firstDelayMs * 2 ** (this._attempt - 1));
            this._setState('reconnecting');
            this._emit('disconnected', { code, reason });
            this._emit('reconnecting', { attempt: this._attempt, delayMs });
            this._timer = setTimeout(() => {
                if (this._before === 'entering' || this._before === 'queued') {
                    this._open('matching');
                } else {
                    this._resuming = true;
                    this._open('round');
                }
            }, delayMs);
        }
    }

    root.PairmatchClient = PairmatchClient;
})(typeof globalThis !== 'undefined' ? globalThis : this);
