// The HTTP API as the signed-in user: tokens, refresh, problem+json errors.

// This file is served at <root>/chat/assets/api.js: the app's root is two levels up
// (so the page also works behind a proxy that mounts the app under a prefix).
export const ROOT = new URL("../../", import.meta.url);

// The session (tokens and who we are) lives in sessionStorage, not in memory alone and
// not in localStorage: a reload keeps the user signed in (memory would not); it belongs to
// this tab and is gone when the tab closes (localStorage would outlive it and be shared
// by every tab, whose refresh-token rotations would race: a reused refresh token ends the
// session); and unlike a cookie it is never sent by itself, so there is no CSRF. Script on
// this origin can read it, which is why the page's policy runs our own files only and lets
// no string reach an HTML sink (no XSS to read it with).
const SESSION_KEY = "caseworks.chat.session";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || "http_error";
    this.problem = problem;
  }
}

let session = loadSession();
let refreshing = null;
const sessionEndListeners = [];

function loadSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function saveSession(next) {
  session = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
}

function endSession() {
  if (!session) return;
  saveSession(null);
  for (const listener of sessionEndListeners) listener();
}

/** Called when the server no longer accepts this session (expired, logged out). */
export function onSessionEnd(listener) {
  sessionEndListeners.push(listener);
}

/** {user_id, username} of the signed-in user, or null. */
export function currentUser() {
  return session && { user_id: session.user_id, username: session.username };
}

async function request(method, path, body, token) {
  const headers = { Accept: "application/json, application/problem+json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(new URL(path, ROOT), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit", // the bearer token is the only credential
    cache: "no-store",
  });
}

async function read(response) {
  if (response.status === 204) return null;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function signIn(username, password) {
  const tokens = await read(await request("POST", "login", { username, password }));
  saveSession({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
  const me = await api("GET", "users/me");
  saveSession({ ...session, user_id: me.id, username: me.username });
  return currentUser();
}

export async function register(username, password) {
  await read(await request("POST", "register", { username, password }));
  return signIn(username, password);
}

export async function signOut() {
  try {
    await api("POST", "logout");
  } catch {
    // Signed out here whatever the server said; its session expires on its own.
  } finally {
    saveSession(null);
  }
}

// One refresh at a time: refresh tokens rotate, and sending the same one twice would end
// the session (the server takes a reused refresh token for a stolen one).
function refreshTokens() {
  if (!refreshing) {
    const used = session.refresh_token;
    refreshing = (async () => {
      try {
        const tokens = await read(
          await request("POST", "token/refresh", { refresh_token: used }),
        );
        saveSession({
          ...session,
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token,
        });
      } catch (error) {
        if (error instanceof ApiError) endSession(); // refused: sign in again
        throw error; // else offline: keep the session and let the caller retry later
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

/** Calls the API as the signed-in user; an expired access token is refreshed once. */
export async function api(method, path, body) {
  if (!session) throw new ApiError(401, { code: "not_signed_in", detail: "Sign in first." });
  const token = session.access_token;
  let response = await request(method, path, body, token);
  if (response.status === 401) {
    // Another call may have refreshed meanwhile; then its new token is tried at once.
    if (refreshing) await refreshing;
    else if (session && session.access_token === token) await refreshTokens();
    if (!session) throw new ApiError(401, { code: "session_ended", detail: "Sign in again." });
    response = await request(method, path, body, session.access_token);
    if (response.status === 401) endSession();
  }
  return read(response);
}
