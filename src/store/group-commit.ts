interface PendingWrite<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Commits a batch of items in one transaction and returns one outcome per item, in order:
 * the item's result once committed, or the error that kept it out. One bad item, such as a
 * duplicate id, must not fail the items that shared its batch.
 */
export type CommitBatch<T, R> = (items: T[]) => Promise<Array<R | Error>>;

/**
 * Group commit: writes that arrive while a transaction is in progress wait and are committed
 * together in the next one, so concurrent requests share one fsync instead of each paying for
 * its own. One batch is in progress at a time. Every promise settles only after its write was
 * committed or failed, so an acknowledged write is as durable as a single commit.
 */
export class GroupCommit<T, R = void> {
  private pending: Array<PendingWrite<T, R>> = [];
  private inProgress: Promise<void> | undefined;

  constructor(private readonly commitBatch: CommitBatch<T, R>) {}

  /** Queues a write and resolves with its result once it is committed. */
  write(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.inProgress) this.inProgress = this.commitPending();
    });
  }

  /** Resolves once every write queued so far is committed or failed. The store calls it before it closes. */
  async drain(): Promise<void> {
    while (this.inProgress) await this.inProgress;
  }

  /** Commits batches until no write is pending. Writes queued during one turn of the event loop join the first batch. */
  private async commitPending(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      let outcomes: Array<R | Error>;
      try {
        outcomes = await this.commitBatch(batch.map((write) => write.item));
      } catch (error) {
        outcomes = batch.map(() => error as Error);
      }
      batch.forEach((write, index) => {
        const outcome = outcomes[index] as R | Error;
        if (outcome instanceof Error) write.reject(outcome);
        else write.resolve(outcome);
      });
    }
    this.inProgress = undefined;
  }
}
