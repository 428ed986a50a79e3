/**
 * Coarse tool categories for the dataset card, matched in order against the lower-cased tool
 * name. MCP tools (`mcp__server__tool`) are matched on the whole name, so the server name counts.
 */
const CATEGORY_RULES: ReadonlyArray<readonly [string, RegExp]> = [
  ['none', /^(?:unknown|none)$/],
  ['shell', /bash|shell|terminal|exec|command|run_?cmd|powershell|ssh/],
  ['payments', /pay|transfer|bank|stripe|invoice|wallet|crypto|trade|venmo|purchase|checkout/],
  ['messaging', /mail|gmail|slack|message|sms|chat|discord|telegram|whatsapp|notify|post_on|tweet|share_on|instagram|facebook/],
  ['code_hosting', /github|gitlab|git_|repo|pull_request|commit/],
  ['database', /sql|database|db_|query|mongo|redis|postgres/],
  ['cloud', /s3|aws|gcp|azure|bucket|deploy|kubernetes|kubectl|terraform|docker|upload/],
  ['web', /fetch|http|browse|web|url|download|search|navigate|click/],
  ['files', /read|write|edit|file|delete|move|copy|mkdir|glob|grep|ls$/],
  ['calendar', /calendar|event|meeting|schedule/],
  ['smart_home', /lock|door|thermostat|camera|light|home/],
];

/** Returns the category of a tool name, or `other` when no rule matches. */
export function toolCategory(tool: string): string {
  const name = tool.toLowerCase();
  for (const [category, pattern] of CATEGORY_RULES) if (pattern.test(name)) return category;
  return 'other';
}
