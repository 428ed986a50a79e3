import { open, type FileHandle } from 'node:fs/promises';

/** Bytes buffered before a write to disk; the writer waits for each write, which is the back-pressure. */
const BUFFER_BYTES = 256 * 1024;

/**
 * Appends lines to a file through a bounded buffer. `bytes` counts only what reached the file,
 * so a checkpoint taken after `flush()` names an offset that is really on disk.
 */
export class LineFile {
  private chunks: Buffer[] = [];
  private buffered = 0;
  examples = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    public bytes: number,
  ) {}

  /** Opens a file for writing from `offset`, cutting off anything after it (0 starts a new file). */
  static async open(path: string, offset = 0, examples = 0): Promise<LineFile> {
    const handle = await open(path, offset === 0 ? 'w' : 'r+');
    await handle.truncate(offset);
    const file = new LineFile(path, handle, offset);
    file.examples = examples;
    return file;
  }

  async write(line: string): Promise<void> {
    const chunk = Buffer.from(line, 'utf8');
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.examples += 1;
    if (this.buffered >= BUFFER_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const data = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    await this.handle.write(data, 0, data.length, this.bytes);
    this.bytes += data.length;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }
}
