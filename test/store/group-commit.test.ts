import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.ts';

/** Builds a fake synchronous store that records each transaction and rejects the item 'bad'. */
function recordingStore() {
  const transactions: string[][] = [];
  const check = (item: string): void => {
    if (item === 'bad') throw new Error('constraint failed: bad');
  };
  const commits = new GroupCommit<string>(
    (items) => {
      items.forEach(check);
      transactions.push(items);
    },
    (item) => {
      check(item);
      transactions.push([item]);
    },
  );
  return { transactions, commits };
}

describe('GroupCommit', () => {
  it('commits writes of one event-loop turn together', async () => {
    const { transactions, commits } = recordingStore();
    await Promise.all(['a', 'b', 'c'].map((item) => commits.write(item)));
    await commits.write('d');
    expect(transactions).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('fails only the bad write of a batch', async () => {
    const { transactions, commits } = recordingStore();
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((item) => commits.write(item)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/bad/);
    expect(transactions).toEqual([['a'], ['c']]);
  });

  it('settles a write only after its commit', async () => {
    const { transactions, commits } = recordingStore();
    let settled = false;
    const write = commits.write('a').then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(transactions).toEqual([]);
    await write;
    expect(transactions).toEqual([['a']]);
  });

  it('commits queued writes on flush', async () => {
    const { transactions, commits } = recordingStore();
    const write = commits.write('a');
    commits.flush();
    expect(transactions).toEqual([['a']]);
    await write;
  });
});
