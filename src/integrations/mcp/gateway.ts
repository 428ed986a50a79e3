import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  ToolListChangedNotificationSchema,
  type CallToolRequest,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { deadlineWithin } from '../../client/guard-client.ts';
import type { DeliberationRequestInput } from '../../deliberation/request.ts';
import type { Verdict } from '../../deliberation/verdict.ts';
import type { LogSink } from '../../logger.ts';
import { describeFailure, describeVerdict } from '../verdict-reason.ts';
import { cutText, toWellFormed } from '../../unicode.ts';
import { withTimeout } from '../timeout.ts';
import type { VerdictSource } from '../verdict-source.ts';
import { confirmEscalation, type Confirmation } from './escalation.ts';
import { forwardResourcesAndPrompts, passthroughCapabilities } from './passthrough.ts';
import { SessionHistory } from './session-history.ts';

export interface DownstreamCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** The environment of the downstream server; the gateway passes its own on, so API tokens reach it. */
  readonly env: Readonly<Record<string, string>>;
}

export interface GatewayOptions {
  readonly downstream: DownstreamCommand;
  readonly source: VerdictSource;
  readonly constitution: string;
  /** Time budget of one deliberation in milliseconds. */
  readonly timeoutMs: number;
  readonly version: string;
  readonly log: LogSink;
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/**
 * An MCP server that fronts another one: it lists the downstream server's tools unchanged and
 * deliberates about every tools/call before forwarding it. Deny and failures return a tool
 * error with the reason; escalate asks the user through elicitation when the client can.
 */
export class McpGateway {
  private readonly downstream: Client;
  private readonly history = new SessionHistory();
  private readonly sessionId = `mcp_${randomUUID()}`;
  private server: Server | undefined;
  private markClosed: () => void = () => {};
  private closing = false;
  /** Resolves when the client or the downstream server has ended the session. */
  readonly closed = new Promise<void>((resolve) => (this.markClosed = resolve));

  constructor(private readonly options: GatewayOptions) {
    this.downstream = new Client({ name: 'deliberation-guard-gateway', version: options.version });
  }

  /** Starts the downstream server, then serves the client on `upstream`. */
  async start(upstream: Transport): Promise<void> {
    const { command, args, env } = this.options.downstream;
    await this.downstream.connect(new StdioClientTransport({ command, args: [...args], env: { ...env }, stderr: 'inherit' }));
    const downstreamCapabilities = this.downstream.getServerCapabilities();
    if (!downstreamCapabilities?.tools) {
      await this.downstream.close();
      throw new Error(`the downstream MCP server (${command}) offers no tools, so there is nothing to guard`);
    }

    const downstreamInfo = this.downstream.getServerVersion();
    const instructions = this.downstream.getInstructions();
    const passthrough = passthroughCapabilities(downstreamCapabilities);
    const server = new Server(
      { name: `deliberation-guard (${downstreamInfo?.name ?? command})`, version: this.options.version },
      { capabilities: { tools: { listChanged: true }, ...passthrough }, ...(instructions ? { instructions } : {}) },
    );
    server.setRequestHandler(ListToolsRequestSchema, (request, extra) => this.downstream.listTools(request.params, { signal: extra.signal }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => this.callTool(request.params, extra.signal));
    this.downstream.setNotificationHandler(ToolListChangedNotificationSchema, () => server.sendToolListChanged());
    forwardResourcesAndPrompts(server, this.downstream, passthrough);

    this.downstream.onclose = () => {
      if (!this.closing) this.options.log.warn({ command }, 'downstream MCP server exited; closing the gateway');
      this.shutDown();
    };
    server.onclose = () => this.shutDown();
    this.server = server;
    await server.connect(upstream);
    this.options.log.info({ downstream: downstreamInfo?.name, source: this.options.source.kind }, 'MCP gateway ready');
  }

  /** Closes both sides once; each side's close handler calls this, so it must not recurse. */
  private shutDown(): void {
    if (this.closing) return;
    this.closing = true;
    this.markClosed();
    void this.server?.close();
    void this.downstream.close();
  }

  private request(params: CallToolRequest['params']): DeliberationRequestInput {
    const clientName = this.server?.getClientVersion()?.name;
    return {
      constitution: this.options.constitution,
      action: { tool: params.name, input: params.arguments ?? {} },
      context: {
        history: this.history.snapshot(),
        session_id: this.sessionId,
        ...(clientName ? { agent_id: toWellFormed(cutText(clientName, 256)) } : {}),
        metadata: { integration: 'mcp-gateway', downstream_server: this.downstream.getServerVersion()?.name },
      },
      deadline_ms: deadlineWithin(this.options.timeoutMs),
    };
  }

  private async deliberate(params: CallToolRequest['params']): Promise<Verdict> {
    return withTimeout(this.options.source.deliberate(this.request(params)), this.options.timeoutMs, 'deliberation (DELIBERATION_GUARD_TIMEOUT_MS)');
  }

  /** Asks the user about an escalated call; a failed question leaves the call blocked. */
  private async confirm(verdict: Verdict, tool: string, signal: AbortSignal): Promise<Confirmation> {
    try {
      return await confirmEscalation(this.server!, verdict, tool, signal);
    } catch (error) {
      this.options.log.error({ err: error, verdictId: verdict.id, tool }, 'elicitation failed; the escalated call is blocked');
      return { approved: false, reason: `Asking the user failed (${(error as Error).message}), so the call was not run.` };
    }
  }

  private async callTool(params: CallToolRequest['params'], signal: AbortSignal): Promise<CallToolResult> {
    const tool = params.name;
    let verdict: Verdict;
    try {
      verdict = await this.deliberate(params);
    } catch (error) {
      this.options.log.error({ err: error, tool }, 'gateway could not deliberate; the call is blocked');
      return toolError(describeFailure(tool, (error as Error).message, 'deny'));
    }
    this.options.log.info({ verdictId: verdict.id, decision: verdict.decision, tool }, 'gateway verdict');

    if (verdict.decision === 'deny') return toolError(describeVerdict(verdict, tool));
    if (verdict.decision === 'escalate') {
      const confirmation = await this.confirm(verdict, tool, signal);
      if (!confirmation.approved) return toolError(`${describeVerdict(verdict, tool)} ${confirmation.reason}`);
      this.options.log.info({ verdictId: verdict.id, tool }, 'the user approved an escalated call');
    }

    const result = (await this.downstream.callTool(params, undefined, { signal })) as CallToolResult;
    this.history.record(tool, result);
    return result;
  }
}
