import pg from 'pg';
import type { LogSink } from '../logger.ts';
import { CommittedVerdictSchema, type CommitListener } from './store.ts';

/**
 * The notification channel of a schema, as the `verdicts_notify` trigger of PostgreSQL
 * migration 4 computes it. Channels
 * are database-wide, so the schema name keeps instances of different schemas apart. PostgreSQL
 * cuts identifiers at 63 bytes, and both sides cut the same way.
 */
const CHANNEL_SQL = `left('guard_verdicts:' || current_schema(), 63)`;

/** How long to wait before listening again after the connection was lost: doubling from the first delay up to the last. */
const FIRST_RECONNECT_DELAY_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * Listens on a connection of its own for the notifications that the `verdicts_notify` trigger
 * sends when any instance commits a verdict to this schema, and passes each to the listeners.
 * PostgreSQL delivers a notification only after its transaction commits. A lost connection is
 * logged and opened again after a second, then at doubling intervals up to 30 s while the
 * database stays unreachable. Notifications sent in between are not delivered.
 */
export class PgCommitFeed {
  private readonly listeners = new Set<CommitListener>();
  private started: Promise<void> | undefined;
  /** The connection that listens, once its LISTEN succeeded. */
  private client: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private reconnectDelayMs = FIRST_RECONNECT_DELAY_MS;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly log: LogSink,
  ) {}

  /** Adds a listener; the first one opens the listening connection. */
  async add(listener: CommitListener): Promise<void> {
    this.listeners.add(listener);
    this.started ??= this.listen();
    await this.started;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'deliberation-guard commit feed' });
    client.on('notification', (message) => this.deliver(message.payload));
    client.on('error', (error) => this.log.warn({ err: error }, 'verdict commit feed: the PostgreSQL connection failed'));
    client.on('end', () => {
      // Only the connection that listens now may start another; a failed attempt is retried by scheduleListen.
      if (this.client !== client || this.closed) return;
      this.client = undefined;
      this.log.warn({ retryInMs: this.reconnectDelayMs }, 'verdict commit feed: the PostgreSQL connection ended; listening again');
      this.scheduleListen();
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ channel: string }>(`SELECT ${CHANNEL_SQL} AS channel`);
      await client.query(`LISTEN ${pg.escapeIdentifier(rows[0]!.channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    // The store may have closed while this connection was being opened.
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
  }

  private scheduleListen(): void {
    const delayMs = this.reconnectDelayMs;
    this.reconnect = setTimeout(() => {
      this.listen().then(
        () => {
          this.reconnectDelayMs = FIRST_RECONNECT_DELAY_MS;
          this.log.info('verdict commit feed: listening again');
        },
        (error: unknown) => {
          this.reconnectDelayMs = Math.min(delayMs * 2, MAX_RECONNECT_DELAY_MS);
          this.log.warn({ err: error, retryInMs: this.reconnectDelayMs }, 'verdict commit feed: listening again failed');
          if (!this.closed) this.scheduleListen();
        },
      );
    }, delayMs);
    this.reconnect.unref();
  }

  private deliver(payload: string | undefined): void {
    let parsed;
    try {
      parsed = CommittedVerdictSchema.safeParse(JSON.parse(payload ?? ''));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.log.warn({ payload }, 'verdict commit feed: ignored a notification that is not a committed verdict');
      return;
    }
    for (const listener of this.listeners) listener(parsed.data);
  }
}
