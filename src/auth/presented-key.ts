/** The fields that can carry an API key: HTTP request headers, or a graphql-ws connection_init payload. */
export interface KeyFields {
  readonly authorization?: unknown;
  readonly 'x-api-key'?: unknown;
}

/** Reads the key from `authorization: Bearer KEY` or `x-api-key: KEY`; undefined when neither carries one. */
export function presentedKey(fields: KeyFields): string | undefined {
  const authorization = fields.authorization;
  if (typeof authorization === 'string' && authorization.toLowerCase().startsWith('bearer ')) {
    return authorization.slice('bearer '.length).trim();
  }
  const header = fields['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}
