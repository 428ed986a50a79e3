/**
 * Texts in which no redaction pattern matched, so that later records can skip scanning them.
 * A verdict repeats much of the same wording (constraint notes, heuristic notes, factor
 * rationales) from one record to the next, and only its quotes of the request are new. A
 * pattern match depends only on the text itself, so a text that was clean once is clean
 * again. The cache cannot know the values that a record found by context, such as the value
 * of `PASSWORD=…`, so the caller scans everything when a record has such values.
 */
const clean = new Set<string>();

/** Maximum length of a remembered text, and maximum total characters kept before the cache starts over. */
const MAX_TEXT_CHARS = 4096;
const MAX_TOTAL_CHARS = 4_000_000;
let totalChars = 0;

export function isKnownClean(text: string): boolean {
  return clean.has(text);
}

/** Remembers texts that were scanned together and matched nothing. */
export function rememberClean(texts: readonly string[]): void {
  for (const text of texts) {
    if (text.length > MAX_TEXT_CHARS) continue;
    if (totalChars + text.length > MAX_TOTAL_CHARS) {
      clean.clear();
      totalChars = 0;
    }
    clean.add(text);
    totalChars += text.length;
  }
}
