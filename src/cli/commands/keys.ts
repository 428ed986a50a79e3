import { parseArgs } from 'node:util';
import { generateApiKey } from '../../auth/api-key.ts';
import { SCOPES, ScopeSchema } from '../../auth/scopes.ts';
import { loadConfig } from '../../config/config.ts';
import type { ApiKeyRecord, KeyStore } from '../../store/key-store.ts';
import { openKeyStore } from '../../store/open-key-store.ts';
import { EXIT, UsageError, type CommandIo } from '../io.ts';

export const KEYS_HELP = `Usage: deliberation-guard keys create --name NAME --scope SCOPE [--scope SCOPE ...] [--json]
       deliberation-guard keys list [--json]
       deliberation-guard keys revoke ID

Manages the API keys the service accepts. Keys are stored hashed in GUARD_KEYS_DATABASE_URL,
or in DATABASE_URL when that is unset. A running service sees new and revoked keys at once.

  create    makes a key and prints it once; it cannot be shown again
  list      prints every key's id, name, scopes and state, never the secret
  revoke    stops a key from working, by the id that list prints

Scopes: ${SCOPES.join(', ')} (admin grants every scope).
`;

function describe(record: ApiKeyRecord): string {
  const state = record.revokedAt ? `revoked ${record.revokedAt}` : 'active';
  return `${record.id}  ${record.name}  ${record.scopes.join(',')}  created ${record.createdAt}  ${state}`;
}

function publicFields({ secretHash: _secretHash, ...record }: ApiKeyRecord): Omit<ApiKeyRecord, 'secretHash'> {
  return record;
}

async function createKey(keys: KeyStore, argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { name: { type: 'string' }, scope: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } },
  });
  if (!values.name) throw new UsageError('keys create needs --name NAME, a label for whoever holds the key');
  if (!values.scope || values.scope.length === 0) throw new UsageError(`keys create needs at least one --scope: ${SCOPES.join(', ')}`);
  const scopes = values.scope.map((scope) => {
    const parsed = ScopeSchema.safeParse(scope);
    if (!parsed.success) throw new UsageError(`--scope: unknown scope "${scope}"; expected one of ${SCOPES.join(', ')}`);
    return parsed.data;
  });

  const key = generateApiKey();
  const record = { id: key.id, name: values.name, scopes: [...new Set(scopes)], secretHash: key.secretHash, createdAt: new Date().toISOString() };
  await keys.create(record);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ...publicFields(record), key: key.token })}\n`);
  } else {
    io.stdout.write(`${key.token}\n`);
    io.stderr.write(`created ${describe(record)}\nthe key above is shown once; store it now\n`);
  }
  return EXIT.ok;
}

async function listKeys(keys: KeyStore, argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { json: { type: 'boolean', default: false } } });
  const records = await keys.list();
  if (values.json) io.stdout.write(`${JSON.stringify(records.map(publicFields))}\n`);
  else io.stdout.write(records.length > 0 ? `${records.map(describe).join('\n')}\n` : 'no API keys\n');
  return EXIT.ok;
}

async function revokeKey(keys: KeyStore, argv: string[], io: CommandIo): Promise<number> {
  const { positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('keys revoke needs exactly one key id (see keys list)');
  const id = positionals[0]!;
  if (!(await keys.revoke(id))) {
    io.stderr.write(`deliberation-guard keys: no active key has the id "${id}"\n`);
    return EXIT.failure;
  }
  io.stdout.write(`revoked ${id}\n`);
  return EXIT.ok;
}

const ACTIONS = { create: createKey, list: listKeys, revoke: revokeKey } as const;

/** Creates, lists or revokes API keys. */
export async function runKeysCommand(argv: string[], io: CommandIo): Promise<number> {
  const [action, ...rest] = argv;
  if (!action || !(action in ACTIONS)) throw new UsageError(`keys needs an action: ${Object.keys(ACTIONS).join(', ')}`);
  const keys = await openKeyStore(loadConfig(io.env));
  try {
    return await ACTIONS[action as keyof typeof ACTIONS](keys, rest, io);
  } finally {
    await keys.close();
  }
}
