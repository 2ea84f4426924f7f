// Building the page's elements. Text only ever goes in through textContent: a message,
// a room name or a username is shown as typed, never parsed as HTML (the page's policy
// also refuses any string given to an HTML-parsing property).

export const $ = (id) => document.getElementById(id);

/** An element with a class and text; children are appended in order. */
export function element(tag, { className, text, attributes } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

export function show(node, visible) {
  node.hidden = !visible;
}

function timeOf(sentAt) {
  const time = new Date(sentAt);
  return element("time", {
    text: time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
    attributes: { datetime: sentAt, title: time.toLocaleString() },
  });
}

/** A stored message: author, time, text. */
export function messageItem(message, mine) {
  const item = element(
    "li",
    { className: mine ? "message mine" : "message", attributes: { "data-id": message.id } },
    element("span", { className: "author", text: message.author }),
    " ",
    timeOf(message.sent_at),
    element("p", { className: "text", text: message.text }),
  );
  return item;
}

/** Puts `item` into `list` ordered by message id (most arrive last: searched from the end). */
export function insertById(list, item, id) {
  let next = null;
  for (let node = list.lastElementChild; node; node = node.previousElementSibling) {
    if (Number(node.dataset.id) < id) break;
    next = node;
  }
  list.insertBefore(item, next);
}

export function roomItem(room, current, open) {
  const button = element("button", { text: room.name, attributes: { type: "button" } });
  if (room.private) button.append(element("span", { className: "tag", text: " (private)" }));
  if (current) button.setAttribute("aria-current", "true");
  button.addEventListener("click", () => open(room.id));
  return element("li", {}, button);
}

export function personItem(username) {
  return element("li", { text: username });
}

/** Whether the user is reading the end of `list` (new messages then scroll into view). */
export function atBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
}
