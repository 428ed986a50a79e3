/// <reference lib="dom" />

/**
 * The API key the dashboard sends. It lives in sessionStorage only, so it is scoped to this tab
 * and gone when the tab closes. It is never written to localStorage, a cookie or a URL.
 */
const STORAGE_KEY = 'deliberation-guard.api-key';

/** Fired on `window` when the service rejects the key (or its absence); `detail` is the service's message. */
const UNAUTHENTICATED_EVENT = 'deliberation-guard:unauthenticated';

export function storedApiKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled by the browser's privacy settings; the page then runs without a key.
    return null;
  }
}

export function storeApiKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetApiKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Returns the fields that carry the key, for HTTP headers and the graphql-ws connection_init payload. */
export function authorizationFields(): Record<string, string> {
  const key = storedApiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Tells the page that the service asked for a (different) key. */
export function reportUnauthenticated(message: string): void {
  dispatchEvent(new CustomEvent<string>(UNAUTHENTICATED_EVENT, { detail: message }));
}

/** Calls `listener` with the service's message whenever a request was rejected for its key; returns the unsubscribe function. */
export function onUnauthenticated(listener: (message: string) => void): () => void {
  const handler = (event: Event) => listener((event as CustomEvent<string>).detail);
  addEventListener(UNAUTHENTICATED_EVENT, handler);
  return () => removeEventListener(UNAUTHENTICATED_EVENT, handler);
}
