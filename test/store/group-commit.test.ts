import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.ts';

/** Builds a fake store that records each transaction and rejects the item 'bad' alone, as the SQLite writer does. */
function recordingStore() {
  const transactions: string[][] = [];
  let inTransaction = 0;
  let maxInTransaction = 0;
  const commits = new GroupCommit<string>(async (items) => {
    inTransaction += 1;
    maxInTransaction = Math.max(maxInTransaction, inTransaction);
    // The commit takes a while, as an fsync does, so later writes queue behind it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    inTransaction -= 1;
    const good = items.filter((item) => item !== 'bad');
    transactions.push(good);
    return items.map((item) => (item === 'bad' ? new Error('constraint failed: bad') : undefined));
  });
  return { transactions, commits, maxInTransaction: () => maxInTransaction };
}

describe('GroupCommit', () => {
  it('commits writes of one event-loop turn together', async () => {
    const { transactions, commits } = recordingStore();
    await Promise.all(['a', 'b', 'c'].map((item) => commits.write(item)));
    await commits.write('d');
    expect(transactions).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('batches writes queued during a commit', async () => {
    const { transactions, commits, maxInTransaction } = recordingStore();
    const first = commits.write('a');
    await new Promise((resolve) => setTimeout(resolve, 1));
    const later = ['b', 'c'].map((item) => commits.write(item));
    await Promise.all([first, ...later]);
    expect(transactions).toEqual([['a'], ['b', 'c']]);
    expect(maxInTransaction()).toBe(1);
  });

  it('fails only the bad write of a batch', async () => {
    const { transactions, commits } = recordingStore();
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((item) => commits.write(item)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/bad/);
    expect(transactions).toEqual([['a', 'c']]);
  });

  it('fails the whole batch when the commit throws', async () => {
    const commits = new GroupCommit<string>(async () => {
      throw new Error('disk I/O error');
    });
    const results = await Promise.allSettled(['a', 'b'].map((item) => commits.write(item)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('disk I/O error');
  });

  it('settles a write only after its commit', async () => {
    const { transactions, commits } = recordingStore();
    let settled = false;
    const write = commits.write('a').then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await write;
    expect(transactions).toEqual([['a']]);
  });

  it('drains queued writes', async () => {
    const { transactions, commits } = recordingStore();
    const write = commits.write('a');
    await commits.drain();
    expect(transactions).toEqual([['a']]);
    await write;
  });
});

describe('GroupCommit results', () => {
  it('resolves each write with its own result', async () => {
    const commits = new GroupCommit<string, number>(async (items) => items.map((item) => item.length));
    expect(await Promise.all(['a', 'bb', 'ccc'].map((item) => commits.write(item)))).toEqual([1, 2, 3]);
  });
});
