import { isPhoneLength, passesIbanCheck, passesLuhn } from './checksums.ts';

/**
 * Secrets get `[REDACTED:kind]` placeholders; personal data gets numbered ones such as
 * `[EMAIL_1]`, so that a reader can still tell two people apart.
 */
export type SensitiveCategory = 'secret' | 'personal';

/** One kind of sensitive value recognised in free text. */
export interface SensitivePattern {
  readonly kind: string;
  readonly category: SensitiveCategory;
  /** Global regex with the `d` flag, so that the indices of `group` are known. */
  readonly pattern: RegExp;
  /** The capture group that contains the value; 0 (the whole match) by default. */
  readonly group?: number;
  /** Rejects candidates that match the shape but not the checksum, the length or the context. */
  readonly validate?: (value: string, match: RegExpMatchArray) => boolean;
  /** A literal every match contains; texts without it are skipped without running the pattern. */
  readonly hint?: string;
  /** Picks the kind from the match, for rules that cover several kinds. */
  readonly kindOf?: (match: RegExpMatchArray) => string;
}

/** Names that mark an assignment or JSON field as a credential, for example the end of `DB_PASSWORD=` or `"api_key":`. */
const CREDENTIAL_NAME = String.raw`(password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key|client[_-]?secret|credentials?)`;

/**
 * Patterns in the order they run. Provider-specific secrets come before the generic
 * assignment rule so that they keep their precise kind. Card numbers come before phone numbers
 * because a Luhn-valid digit run is more likely a card.
 */
export const SENSITIVE_PATTERNS: readonly SensitivePattern[] = [
  // A key cut off before its END line runs to the end of the text or of the JSON string.
  secret('private_key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[^"]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|(?=")|$)/dg, 0, 'PRIVATE KEY'),
  secret('jwt', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/dg, 0, 'eyJ'),
  secret('aws_access_key', /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/dg),
  secret('aws_secret_key', /\baws_?secret_?(?:access_?)?key\\?["']?\s*[:=]\s*\\?["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/dgi, 1),
  secret('github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{22,})/dg),
  secret('gitlab_token', /\bglpat-[A-Za-z0-9_-]{20,}/dg, 0, 'glpat-'),
  secret('slack_token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/dg),
  secret('slack_webhook', /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/dg, 0, 'hooks.slack.com'),
  secret('anthropic_api_key', /\bsk-ant-[A-Za-z0-9_-]{20,}/dg, 0, 'sk-ant-'),
  secret('stripe_key', /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/dg),
  secret('openai_api_key', /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/dg),
  secret('google_api_key', /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/dg, 0, 'AIza'),
  secret('huggingface_token', /\bhf_[A-Za-z0-9]{30,}/dg, 0, 'hf_'),
  secret('npm_token', /\bnpm_[A-Za-z0-9]{36}\b/dg, 0, 'npm_'),
  secret('sendgrid_key', /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/dg, 0, 'SG.'),
  secret('azure_storage_key', /\bAccountKey=([A-Za-z0-9+/]{40,}={0,2})/dg, 1, 'AccountKey='),
  secret('bearer_token', /\b[Bb]earer\s+([A-Za-z0-9._~+/-]{16,}=*)/dg, 1),
  secret('password', /:\/\/[^\s:@/?#"'\\[\]]+:([^\s@/?#"'\\[\]]+)@/dg, 1, '://'),
  {
    kind: 'secret',
    category: 'secret',
    // The optional backslashes let the rule see `\"password\": \"...\"` inside a serialized JSON string.
    pattern: new RegExp(String.raw`${CREDENTIAL_NAME}\\?["']?\s*([:=])\s*(\\?["']?)([^\s"'\\,;{}\[\]<>]{3,})`, 'dgi'),
    group: 4,
    validate: isAssignedValue,
    kindOf: (match) => credentialKindOfKey(match[1] ?? '') ?? 'secret',
  },
  personal('email', /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/dg, undefined, '@'),
  personal('iban', /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/dg, passesIbanCheck),
  personal('card_number', /\b(?:\d[ -]?){12,18}\d\b/dg, passesLuhn),
  personal('national_id', /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/dg),
  personal('national_id', /\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/dg),
  personal('phone', /(?<![\w.+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w.])/dg, isPhoneLength),
  personal(
    'street_address',
    /\b\d{1,5}[A-Za-z]? (?:[A-Z][A-Za-z'-]*\.? ){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|Square|Highway|Hwy)\b\.?/dg,
  ),
  personal('street_address', /\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|weg|gasse|allee|platz) \d{1,4}[a-z]?\b/dgu),
];

/**
 * Checks that a value after a credential name was assigned rather than written in prose. `=`
 * or a quote marks an assignment (`PASSWORD=…`, `"token": "…"`). An unquoted `name: value` is
 * also how sentences read (`credential: The input carries…`), so there the value must look
 * like a secret: at least 6 characters with a digit, or at least 12 characters.
 */
function isAssignedValue(value: string, match: RegExpMatchArray): boolean {
  const [, , separator, quote] = match;
  if (separator === '=' || quote) return true;
  return /\d/.test(value) ? value.length >= 6 : value.length >= 12;
}

/** The patterns of secrets only, without personal data. */
export const SECRET_PATTERNS = SENSITIVE_PATTERNS.filter((rule) => rule.category === 'secret');

/**
 * Field names whose string value is a credential whatever it looks like, for JSON tool inputs
 * such as `{"aws_secret_access_key": "..."}`. Matched against the lower-cased key.
 */
const CREDENTIAL_KEY = /(?:^|[_-])(?:password|passwd|passphrase|secret|token|api_?key|apikey|access_?key(?:_?id)?|private_?key|client_?secret|credentials?|authorization|cookie|cvv|cvc)$/;

/**
 * A field name that a text pattern may read together with the field's value, as the generic
 * assignment rule reads `"token":"abc"`: every name that contains a credential name.
 */
const ASSIGNMENT_NAME = new RegExp(`${CREDENTIAL_NAME}|aws_?secret`, 'i');
const assignmentNames = new Map<string, boolean>();

/** Checks whether a pattern may match across this field name and its value in serialized JSON. */
export function isAssignmentName(key: string): boolean {
  let result = assignmentNames.get(key);
  if (result === undefined) {
    result = ASSIGNMENT_NAME.test(key);
    if (assignmentNames.size < MAX_CACHED_KEYS) assignmentNames.set(key, result);
  }
  return result;
}

/** Kinds of the field names seen so far. Field names repeat across records, so most lookups hit. */
const kindsByKey = new Map<string, string | undefined>();
const MAX_CACHED_KEYS = 4096;

/** Returns the secret kind of a field name, or undefined when the name does not mark a credential. */
export function credentialKindOfKey(key: string): string | undefined {
  if (kindsByKey.has(key)) return kindsByKey.get(key);
  const kind = classifyKey(key);
  if (kindsByKey.size < MAX_CACHED_KEYS) kindsByKey.set(key, kind);
  return kind;
}

function classifyKey(key: string): string | undefined {
  const name = key.toLowerCase();
  if (!CREDENTIAL_KEY.test(name)) return undefined;
  if (name.includes('aws') && name.includes('secret')) return 'aws_secret_key';
  if (name.includes('aws') && name.includes('access_key')) return 'aws_access_key';
  if (/pass/.test(name)) return 'password';
  if (/token|authorization|cookie/.test(name)) return 'token';
  if (/api_?key/.test(name)) return 'api_key';
  return 'secret';
}

/** The kind in a `[REDACTED:kind]` or `[KIND_n]` placeholder, and the text of placeholders to find them. */
export const PLACEHOLDER = /\[(?:REDACTED:([a-z0-9_]+?)(?:_\d+)?|([A-Z][A-Z_]*?)_\d+)\]/g;

function secret(kind: string, pattern: RegExp, group = 0, hint?: string): SensitivePattern {
  return { kind, category: 'secret', pattern, group, hint };
}

function personal(kind: string, pattern: RegExp, validate?: (value: string) => boolean, hint?: string): SensitivePattern {
  return { kind, category: 'personal', pattern, validate, hint };
}
