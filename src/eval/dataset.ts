import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** One labelled case of the benchmark JSON Lines format. */
export const DatasetCaseSchema = z.object({
  id: z.string().min(1),
  source: z.string(),
  license: z.string().optional(),
  context: z.object({
    user_request: z.string(),
    history: z.array(
      z.object({
        role: z.enum(['user', 'agent', 'environment']),
        content: z.string(),
      }),
    ),
  }),
  action: z.object({
    tool: z.string().min(1),
    input: z.unknown(),
    description: z.string().optional(),
  }),
  label: z.enum(['safe', 'unsafe']),
  category: z.string(),
  label_rationale: z.string().optional(),
});
export type DatasetCase = z.infer<typeof DatasetCaseSchema>;

/** Raised when a dataset file cannot be read or a line does not match the format. */
export class DatasetFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'DatasetFileError';
  }
}

/** Reads a JSON Lines dataset file; every line must be one valid case. */
export function readDataset(file: string): DatasetCase[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DatasetFileError(file, `cannot read the file: ${(error as Error).message}`);
  }
  const cases: DatasetCase[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DatasetFileError(file, `line ${index + 1} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = DatasetCaseSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DatasetFileError(file, `line ${index + 1}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid case'}`);
    }
    cases.push(parsed.data);
  });
  return cases;
}
