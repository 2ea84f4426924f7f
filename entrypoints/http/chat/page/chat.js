// The chat page: signing in, the room list, the open room and the composer.

import { ApiError, api, currentUser, onSessionEnd, register, signIn, signOut } from "./api.js";
import { forgetOutboxes } from "./outbox.js";
import { OpenRoom } from "./room.js";
import { $, roomItem, show } from "./view.js";

let room = null; // the OpenRoom on screen
let opening = 0; // numbers each openRoom(): a later click wins over an earlier one

function notice(text) {
  $("notice").textContent = text;
}

function describe(error) {
  if (error instanceof ApiError) return error.message;
  return "Cannot reach the server; try again.";
}

/** Runs an event handler; what it could not do is said on the page, not in the console. */
function guarded(handler) {
  return (event) => {
    Promise.resolve(handler(event)).catch((error) => {
      if (!(error instanceof ApiError && error.status === 401)) notice(describe(error));
    });
  };
}

function showSignIn(message = "") {
  room?.close();
  room = null;
  show($("chat"), false);
  show($("whoami"), false);
  show($("sign-in"), true);
  $("sign-in-error").textContent = message;
  $("username").focus();
}

async function showChat() {
  $("my-name").textContent = currentUser().username;
  show($("sign-in"), false);
  show($("whoami"), true);
  show($("chat"), true);
  await openRoom(roomInAddress());
  $("message-text").focus();
}

function roomInAddress() {
  return decodeURIComponent(location.hash.slice(1)) || "general";
}

async function authenticate(how) {
  const username = $("username").value.trim();
  const password = $("password").value;
  if (!username || !password) {
    $("sign-in-error").textContent = "Enter a username and a password.";
    return;
  }
  try {
    await how(username, password);
  } catch (error) {
    $("sign-in-error").textContent = describe(error);
    return;
  }
  $("password").value = "";
  await showChat();
}

async function loadRooms() {
  const body = await api("GET", "rooms?limit=100");
  const rooms = Array.isArray(body) ? body : body.items;
  const current = room?.room.id;
  $("rooms").replaceChildren(...rooms.map((each) => roomItem(each, each.id === current, go)));
}

function go(roomId) {
  guarded(() => openRoom(roomId))();
}

async function openRoom(roomId) {
  const number = ++opening;
  notice("");
  room?.close();
  room = null;
  let details;
  try {
    details = await api("GET", `rooms/${encodeURIComponent(roomId)}`);
  } catch (error) {
    if (error.status !== 404 || roomId === "general") throw error;
    await openRoom("general");
    notice("That room does not exist, or is not yours to see.");
    return;
  }
  if (!details.private) await api("POST", `rooms/${encodeURIComponent(roomId)}/join`);
  if (number !== opening) return;
  history.replaceState(null, "", `#${encodeURIComponent(roomId)}`);
  $("composer-error").textContent = "";
  room = new OpenRoom(details, notice);
  await Promise.all([room.open(), loadRooms()]);
}

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(() => authenticate(signIn))();
});
$("register").addEventListener("click", guarded(() => authenticate(register)));

$("sign-out").addEventListener(
  "click",
  guarded(async () => {
    room?.close();
    room = null;
    forgetOutboxes(currentUser().user_id);
    await signOut();
    showSignIn();
  }),
);

$("new-room").addEventListener(
  "submit",
  guarded(async (event) => {
    event.preventDefault();
    const name = $("room-name").value.trim();
    if (!name) return notice("Give the room a name.");
    const created = await api("POST", "rooms", { name, private: $("room-private").checked });
    $("room-name").value = "";
    $("room-private").checked = false;
    await openRoom(created.id);
  }),
);

$("load-older").addEventListener("click", guarded(() => room?.loadOlder()));

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!room) return;
  const text = $("message-text").value;
  const refused = room.send(text);
  $("composer-error").textContent = refused || "";
  if (!refused) $("message-text").value = "";
});
$("message-text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

window.addEventListener("hashchange", () => {
  if (currentUser() && roomInAddress() !== room?.room.id) go(roomInAddress());
});
onSessionEnd(() => showSignIn("Your session has ended; sign in again."));

if (currentUser()) guarded(showChat)();
else showSignIn();
