import { ConfigError } from '../config/config.ts';
import { parseApiKey, secretMatches } from './api-key.ts';
import { isLoopbackHost } from './loopback.ts';
import { OPEN_PRINCIPAL, type Principal } from './scopes.ts';
import type { KeyStore } from '../store/key-store.ts';

export type AuthMode = 'auto' | 'on' | 'off';

/** Rejection of a presented or missing key; the API turns it into a 401. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

/** Raised at start-up when the service would listen beyond loopback with no authentication. */
export class UnsafeBindError extends ConfigError {
  override name = 'UnsafeBindError';
}

/**
 * Resolves the principal of a request from its API key. Open access (no key needed) is only
 * possible on a loopback host, with GUARD_AUTH=off, or with GUARD_AUTH=auto while no key was
 * ever created. Creating the first key closes it without a restart, and revoking every key
 * does not open it again.
 */
export class Authenticator {
  private readonly loopback: boolean;

  constructor(
    private readonly keys: KeyStore,
    private readonly mode: AuthMode,
    host: string,
  ) {
    this.loopback = isLoopbackHost(host);
  }

  /** Describes the start-up state, or throws UnsafeBindError when it must not start. */
  async startupState(host: string): Promise<'enforced' | 'open_no_keys' | 'open_auth_off'> {
    const activeKeys = await this.keys.countActive();
    if (this.mode === 'on') return 'enforced';
    if (!this.loopback && this.mode === 'off') {
      throw new UnsafeBindError(
        `HOST=${host} is not a loopback address and GUARD_AUTH=off: refusing to start an open service on the network; set GUARD_AUTH=on and create a key with "deliberation-guard keys create", or bind HOST=127.0.0.1`,
      );
    }
    if (!this.loopback && activeKeys === 0) {
      throw new UnsafeBindError(
        `HOST=${host} is not a loopback address and no API key exists: refusing to start an open service on the network; create one with "deliberation-guard keys create --name NAME --scope admin", or bind HOST=127.0.0.1`,
      );
    }
    if (this.mode === 'off') return 'open_auth_off';
    return (await this.keys.countAll()) === 0 ? 'open_no_keys' : 'enforced';
  }

  /** Returns whether a request without a key is let in right now. */
  async isOpen(): Promise<boolean> {
    if (!this.loopback || this.mode === 'on') return false;
    if (this.mode === 'off') return true;
    return (await this.keys.countAll()) === 0;
  }

  /** Returns whether the key with this id exists and is not revoked. */
  async isKeyActive(keyId: string): Promise<boolean> {
    const record = await this.keys.find(keyId);
    return record !== undefined && !record.revokedAt;
  }

  /** Returns the principal for a presented key (or none), or throws AuthenticationError. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (this.mode === 'off' && this.loopback) return OPEN_PRINCIPAL;
    if (token === undefined) {
      if (await this.isOpen()) return OPEN_PRINCIPAL;
      throw new AuthenticationError('missing API key: send it as "Authorization: Bearer <key>" or in the x-api-key header');
    }

    const parsed = parseApiKey(token);
    if (!parsed) throw new AuthenticationError('invalid API key: expected the dg_<id>_<secret> form printed by "keys create"');
    const record = await this.keys.find(parsed.id);
    if (!record || !secretMatches(parsed.secret, record.secretHash)) {
      throw new AuthenticationError(`invalid API key: no active key matches the id "${parsed.id}"`);
    }
    if (record.revokedAt) throw new AuthenticationError(`invalid API key: the key "${parsed.id}" was revoked at ${record.revokedAt}`);
    return { keyId: record.id, name: record.name, scopes: record.scopes };
  }
}
