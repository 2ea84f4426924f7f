// The open room: its history, live messages, our unacknowledged sends, who is online.

import { api, currentUser } from "./api.js";
import { LiveRoom } from "./live.js";
import { Outbox, newClientId } from "./outbox.js";
import { $, atBottom, clear, insertById, messageItem, personItem, show } from "./view.js";

const PAGE_SIZE = 50;
export const MAX_TEXT = 4000; // characters (code points), as the server counts them
const MAX_FRAME_BYTES = 16 * 1024; // the server closes a socket on a larger frame
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/; // tabs and line breaks are text

const STATES = {
  connecting: () => "Connecting…",
  live: () => "Live",
  waiting: ({ delayMs }) => `Connection lost; reconnecting in ${Math.ceil(delayMs / 1000)} s…`,
  stopped: () => "Not connected",
};

export class OpenRoom {
  constructor(room, notice) {
    this.room = room;
    this.notice = notice;
    this.path = `rooms/${encodeURIComponent(room.id)}`;
    this.me = currentUser();
    this.shown = new Set(); // ids of the messages in the log
    this.lastId = 0; // the newest id seen: where the server resumes on reconnect
    this.oldestId = null;
    this.online = new Map(); // user id -> username
    this.closed = false;
    this.log = $("messages");
    clear(this.log);
    clear($("outbox"));
    clear($("online"));
    $("room-title").textContent = room.name;
    this.outbox = new Outbox(this.me.user_id, room.id, $("outbox"));
    this.live = new LiveRoom(room.id, {
      afterId: () => this.lastId,
      onFrame: (frame) => this.onFrame(frame),
      onState: (state, detail) => this.onState(state, detail),
    });
  }

  async open() {
    await this.loadLatest();
    if (!this.closed) this.live.start();
  }

  close() {
    this.closed = true;
    this.live.stop();
  }

  /** The composer's text: null once queued, else why it cannot be sent. */
  send(text) {
    if (!text.trim()) return "Write something first.";
    if ([...text].length > MAX_TEXT) return `A message has at most ${MAX_TEXT} characters.`;
    // The server's other rules, checked here too: a message it refuses would stay unsent.
    if (CONTROL.test(text) || (text.isWellFormed && !text.isWellFormed())) {
      return "A message holds no control characters but tabs and line breaks.";
    }
    const frame = { type: "message", text, client_id: newClientId() };
    if (new TextEncoder().encode(JSON.stringify(frame)).length > MAX_FRAME_BYTES) {
      return "This message is too large to send; split it.";
    }
    this.outbox.add(frame.client_id, text);
    this.live.send(frame); // if offline, it goes out on the next `ready`
    return null;
  }

  async loadLatest() {
    const page = await api("GET", `${this.path}/messages?limit=${PAGE_SIZE}`);
    if (this.closed) return;
    this.add(page.items);
    this.lastId = Math.max(this.lastId, page.last_id);
    this.oldestId = page.items.length ? page.items[0].id : null;
    show($("load-older"), this.oldestId > 1);
    this.log.scrollTop = this.log.scrollHeight;
  }

  async loadOlder() {
    if (!(this.oldestId > 1)) return;
    const query = `before=${this.oldestId}&limit=${PAGE_SIZE}`;
    const page = await api("GET", `${this.path}/messages?${query}`);
    if (this.closed) return;
    const height = this.log.scrollHeight;
    this.add(page.items);
    this.log.scrollTop += this.log.scrollHeight - height; // keep what was on screen there
    if (page.items.length) this.oldestId = page.items[0].id;
    show($("load-older"), this.oldestId > 1 && page.items.length > 0);
  }

  add(messages) {
    const follow = atBottom(this.log);
    for (const message of messages) {
      if (this.shown.has(message.id)) continue; // replayed after a reconnect, or twice
      this.shown.add(message.id);
      const mine = message.author_id === this.me.user_id;
      insertById(this.log, messageItem(message, mine), message.id);
    }
    if (follow) this.log.scrollTop = this.log.scrollHeight;
  }

  onFrame(frame) {
    if (this.closed) return;
    if (frame.type === "message" && frame.room_id === this.room.id) {
      if (frame.client_id && frame.author_id === this.me.user_id) {
        this.outbox.remove(frame.client_id); // our copy is the acknowledgement
      }
      this.add([frame]);
      this.lastId = Math.max(this.lastId, frame.id);
    } else if (frame.type === "ready") {
      this.whenLive();
    } else if (frame.type === "reset") {
      this.catchUpOverHttp();
    } else if (frame.type === "presence") {
      if (frame.event === "join") this.online.set(frame.user.id, frame.user.username);
      else this.online.delete(frame.user.id);
      this.showOnline();
    } else if (frame.type === "error") {
      this.refused(frame);
    }
  }

  async whenLive() {
    this.flush(); // what we could not send, or sent without seeing it acknowledged
    try {
      const body = await api("GET", `${this.path}/online`);
      const people = Array.isArray(body) ? body : body.items || [];
      this.online = new Map(people.map((person) => [person.user_id, person.username]));
      this.showOnline();
    } catch (error) {
      this.notice(`Could not read who is online: ${error.message}`);
    }
  }

  flush() {
    for (const frame of this.outbox.frames()) if (!this.live.send(frame)) return;
  }

  /** More was missed than the server replays: show the newest page (older ones stay a
   * "Load older" away) and resume live from there. */
  async catchUpOverHttp() {
    try {
      await this.loadLatest();
    } finally {
      this.live.reconnectNow();
    }
  }

  refused(frame) {
    if (frame.code === "rate_limited") {
      const seconds = Number(frame.retry_after) || 1;
      this.notice(`Slow down: sending again in ${seconds} s.`);
      setTimeout(() => this.flush(), seconds * 1000);
      return;
    }
    if (frame.client_id) this.outbox.remove(frame.client_id); // that message will never go
    $("composer-error").textContent = frame.detail || frame.code;
  }

  onState(state, detail) {
    const line = $("connection");
    line.dataset.state = state;
    line.textContent = STATES[state](detail || {});
    if (state !== "live") this.online.clear();
    this.showOnline();
  }

  showOnline() {
    const names = [...new Set(this.online.values())].sort();
    $("online").replaceChildren(...names.map(personItem));
  }
}
