import type { Scope } from '../auth/scopes.ts';

/** An API key as stored: the secret exists only as its SHA-256 digest. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scopes: Scope[];
  readonly secretHash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** Durable API keys, kept apart from the verdict tables. */
export interface KeyStore {
  create(record: Omit<ApiKeyRecord, 'revokedAt'>): Promise<void>;
  /** Returns the key with that id, revoked or not, or undefined. */
  find(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, oldest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; returns false when no active key has that id. */
  revoke(id: string): Promise<boolean>;
  /** How many keys are not revoked. */
  countActive(): Promise<number>;
  /** How many keys were ever created, revoked ones included. */
  countAll(): Promise<number>;
  close(): Promise<void>;
}
