// Our messages the server has not acknowledged yet, per room, in sending order.
//
// Each carries a client_id made once, when the user pressed Send: sent again after a
// reconnect (or after a reload: the outbox is kept in sessionStorage), the server
// answers with the message it already stored under that id, never a second one.

import { element } from "./view.js";

export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID exists in secure contexts only (https, localhost): plain http on a LAN.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const PREFIX = "caseworks.chat.outbox.";

/** Forgets every unsent message of `userId` (signing out gives them up). */
export function forgetOutboxes(userId) {
  const mine = `${PREFIX}${userId}.`;
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith(mine)) sessionStorage.removeItem(key);
  }
}

export class Outbox {
  // Kept per user: whoever signs in next in this tab never sends someone else's words.
  constructor(userId, roomId, list) {
    this.key = `${PREFIX}${userId}.${roomId}`;
    this.list = list;
    this.entries = new Map(); // client_id -> {text, item}
    for (const { client_id: clientId, text } of this.load()) this.put(clientId, text);
  }

  add(clientId, text) {
    this.put(clientId, text);
    this.save();
  }

  /** The server stored it (its frame carries our client_id), or the user gave it up. */
  remove(clientId) {
    const entry = this.entries.get(clientId);
    if (!entry) return;
    entry.item.remove();
    this.entries.delete(clientId);
    this.save();
  }

  /** The frames to send, oldest first. */
  frames() {
    return [...this.entries].map(([clientId, { text }]) => ({
      type: "message",
      text,
      client_id: clientId,
    }));
  }

  put(clientId, text) {
    const discard = element("button", {
      className: "discard",
      text: "Discard",
      attributes: { type: "button", "aria-label": "Discard this unsent message" },
    });
    discard.addEventListener("click", () => this.remove(clientId));
    const item = element(
      "li",
      { className: "message mine pending" },
      element("span", { className: "author", text: "You" }),
      " ",
      element("span", { className: "state", text: "sending…" }),
      " ",
      discard,
      element("p", { className: "text", text }),
    );
    this.entries.set(clientId, { text, item });
    this.list.append(item);
  }

  load() {
    try {
      return JSON.parse(sessionStorage.getItem(this.key)) || [];
    } catch {
      return [];
    }
  }

  save() {
    const kept = [...this.entries].map(([clientId, { text }]) => ({ client_id: clientId, text }));
    if (kept.length) sessionStorage.setItem(this.key, JSON.stringify(kept));
    else sessionStorage.removeItem(this.key);
  }
}
