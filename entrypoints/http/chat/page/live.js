// One room's live connection: a ticket, the WebSocket, reconnects with backoff.

import { ROOT, api } from "./api.js";

// Waits before reconnect attempts 1, 2, 3...; the last repeats. Each is jittered by
// +-25% so that clients dropped together (a server restart) do not return together.
const BACKOFF_MS = [250, 1000, 2000, 4000, 8000, 15000];
// A connection that says nothing for this long after our ping is dead (a laptop that
// slept, a proxy that dropped it silently): closed, then reconnected.
const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 10000;

export class LiveRoom {
  /**
   * @param {string} roomId
   * @param {{afterId: () => number, onFrame: (frame: object) => void,
   *          onState: (state: string, detail?: object) => void}} handlers
   *   afterId: the last message id seen, asked at each connect (the server replays the rest)
   *   onState: "connecting" | "live" | "waiting" (detail.delayMs) | "stopped"
   */
  constructor(roomId, handlers) {
    this.roomId = roomId;
    this.handlers = handlers;
    this.socket = null;
    this.ready = false;
    this.stopped = true;
    this.attempt = 0;
    this.connects = 0; // numbers each connect(): a later one makes an earlier one give up
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.onOnline = () => this.reconnectNow();
  }

  start() {
    this.stopped = false;
    window.addEventListener("online", this.onOnline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    clearTimeout(this.retryTimer);
    this.drop(1000);
    this.handlers.onState("stopped");
  }

  /** Closes the current socket (if any) and connects again at once: after a `reset`, or
   * when the browser says it is back online. */
  reconnectNow() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.drop(1000);
    this.connect();
  }

  /** Sends a frame when the connection is live; false when it is not (the caller keeps
   * what it could not send and sends it again on the next `ready`). */
  send(frame) {
    if (!this.ready || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  async connect() {
    const number = ++this.connects;
    this.handlers.onState("connecting");
    let ticket;
    try {
      ({ ticket } = await api("POST", "chat/tickets"));
    } catch (error) {
      if (error.status === 401) return this.stop(); // signed out: api() has said so
      return number === this.connects ? this.retry() : undefined;
    }
    if (this.stopped || number !== this.connects) return;
    const url = new URL(`ws/rooms/${encodeURIComponent(this.roomId)}`, ROOT);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = new URLSearchParams({ ticket, after: String(this.handlers.afterId()) });
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener("message", (event) => this.receive(socket, event.data));
    socket.addEventListener("close", (event) => this.closed(socket, event));
  }

  receive(socket, data) {
    if (socket !== this.socket) return; // a frame from a socket we already gave up
    this.keepAlive();
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return; // not ours to guess at
    }
    if (frame.type === "ready") {
      this.ready = true;
      this.attempt = 0;
      this.handlers.onState("live");
    }
    this.handlers.onFrame(frame);
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.ready = false;
    this.stopTimers();
    if (!this.stopped) this.retry(event.code);
  }

  retry(code) {
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    const delayMs = Math.round(base * (0.75 + Math.random() * 0.5));
    this.handlers.onState("waiting", { delayMs, code });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  keepAlive() {
    this.stopTimers();
    this.pingTimer = setTimeout(() => {
      if (!this.send({ type: "ping" })) return;
      this.pongTimer = setTimeout(() => this.drop(4000), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  stopTimers() {
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  /** Closes the socket; a drop that was not a stop() is followed by a reconnect. */
  drop(code) {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.ready = false;
    this.stopTimers();
    socket.close(code);
    if (!this.stopped && code !== 1000) this.retry(code);
  }
}
