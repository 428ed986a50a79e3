import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BindingRow } from './idempotency-sql.ts';
import { CLOSE_MESSAGE, type PendingAppend, type WriteRequest, type WriteResult } from './sqlite-writer-protocol.ts';
import { StoreUnavailableError } from './store.ts';

/** The thread's entry file next to this one: `.ts` when the service runs from source through tsx, `.js` when compiled. */
const ownExtension = extname(fileURLToPath(import.meta.url));
const THREAD_ENTRY = new URL(`./sqlite-writer-thread${ownExtension}`, import.meta.url);

/**
 * Starts a writer thread. From source, the thread registers tsx before it loads the entry,
 * because on Node 20 a thread does not inherit the loader that the main thread registered.
 */
function startThread(path: string): Worker {
  if (ownExtension !== '.ts') return new Worker(THREAD_ENTRY, { workerData: { path } });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_ENTRY.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: { path } });
}

/**
 * Describes an error a thread raised. A driver error that ends the thread can reach the main
 * thread as a plain object with only its `code`, such as SQLITE_CANTOPEN.
 */
function describeThreadError(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  if (typeof code === 'string') return code;
  return String(error);
}

/** The result of one append: the key's binding for a keyed append, undefined otherwise, or the error. */
type AppendResult = BindingRow | undefined | Error;

interface WaitingBatch {
  /** The thread the batch was sent to; only its failure fails the batch. */
  readonly worker: Worker;
  readonly resolve: (results: AppendResult[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Commits verdict rows on a thread of its own. A thread that
 * dies fails the batches it was given, which may or may not have been committed, and the
 * next write starts a new thread. The thread keeps the process alive only while a batch is
 * in progress.
 */
export class SqliteWriter {
  private worker: Worker | undefined;
  private nextBatch = 0;
  private readonly waiting = new Map<number, WaitingBatch>();
  private closing: Promise<void> | undefined;

  /** Starts the thread at once, so the first verdict does not wait for it to load. */
  constructor(private readonly path: string) {
    this.start().unref();
  }

  /** Commits the appends in one transaction and returns one result per append; see CommitBatch. */
  commit(appends: PendingAppend[]): Promise<AppendResult[]> {
    if (this.closing) return Promise.reject(new StoreUnavailableError('SQLite insert failed: the store is closed'));
    const worker = this.worker ?? this.start();
    const request: WriteRequest = { batch: this.nextBatch++, appends };
    return new Promise((resolve, reject) => {
      this.waiting.set(request.batch, { worker, resolve, reject });
      worker.ref();
      worker.postMessage(request);
    });
  }

  /** Waits for the batches in progress, then closes the thread's connection and ends it. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    worker.ref();
    // Not events.once, which rejects on 'error': a thread whose close failed has still ended,
    // and every batch it acknowledged was committed before.
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage(CLOSE_MESSAGE);
    await exited;
  }

  private start(): Worker {
    const worker = startThread(this.path);
    worker.on('message', (result: WriteResult) => {
      const batch = this.waiting.get(result.batch);
      this.waiting.delete(result.batch);
      if (this.waiting.size === 0) worker.unref();
      batch?.resolve(result.outcomes.map((outcome) => (outcome.error === undefined ? outcome.binding : new StoreUnavailableError(`SQLite insert failed: ${outcome.error}`))));
    });
    // After 'error' the thread is ending: later writes go to a new thread, not to this one.
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = undefined;
      this.failWaiting(worker, `SQLite writer thread failed: ${describeThreadError(error)}`, error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failWaiting(worker, `SQLite writer thread exited with code ${code}`);
    });
    this.worker = worker;
    return worker;
  }

  private failWaiting(worker: Worker, message: string, cause?: unknown): void {
    for (const [id, batch] of this.waiting) {
      if (batch.worker !== worker) continue;
      this.waiting.delete(id);
      batch.reject(new StoreUnavailableError(message, { cause }));
    }
  }
}
