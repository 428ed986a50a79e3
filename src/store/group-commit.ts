interface PendingWrite<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for a synchronous store: writes that arrive during one turn of the event loop
 * are committed together in one transaction, so concurrent requests share one fsync instead
 * of each blocking the event loop for its own. Every promise settles only after its write
 * was committed or failed, so an acknowledged write is as durable as a single commit.
 */
export class GroupCommit<T> {
  private pending: Array<PendingWrite<T>> = [];
  private scheduled = false;

  /**
   * @param commitMany commits all items in one transaction, or throws and commits none
   * @param commitOne commits one item, to find out which item failed when a batch throws
   */
  constructor(
    private readonly commitMany: (items: T[]) => void,
    private readonly commitOne: (item: T) => void,
  ) {}

  /** Queues a write and resolves once it is committed. */
  write(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Commits every queued write now. The store calls it before it closes. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.commitMany(batch.map((write) => write.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item, such as a duplicate id, must not fail the writes that shared its batch.
      for (const write of batch) this.commitAlone(write);
      return;
    }
    for (const write of batch) write.resolve();
  }

  private commitAlone(write: PendingWrite<T>): void {
    try {
      this.commitOne(write.item);
    } catch (error) {
      write.reject(error);
      return;
    }
    write.resolve();
  }
}
