import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  PromptListChangedNotificationSchema,
  ReadResourceRequestSchema,
  ResourceListChangedNotificationSchema,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * Returns the resource and prompt capabilities the gateway offers: the downstream server's,
 * without resource subscriptions, which the gateway does not forward.
 */
export function passthroughCapabilities(downstream: ServerCapabilities): ServerCapabilities {
  return {
    ...(downstream.resources ? { resources: { listChanged: downstream.resources.listChanged ?? false } } : {}),
    ...(downstream.prompts ? { prompts: { listChanged: downstream.prompts.listChanged ?? false } } : {}),
  };
}

/**
 * Forwards resource and prompt requests unchanged. They only read, so the gateway does not
 * deliberate about them; every action goes through tools/call.
 */
export function forwardResourcesAndPrompts(server: Server, downstream: Client, capabilities: ServerCapabilities): void {
  if (capabilities.resources) {
    server.setRequestHandler(ListResourcesRequestSchema, (request, extra) => downstream.listResources(request.params, { signal: extra.signal }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
      downstream.listResourceTemplates(request.params, { signal: extra.signal }),
    );
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => downstream.readResource(request.params, { signal: extra.signal }));
    downstream.setNotificationHandler(ResourceListChangedNotificationSchema, () => server.sendResourceListChanged());
  }
  if (capabilities.prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, (request, extra) => downstream.listPrompts(request.params, { signal: extra.signal }));
    server.setRequestHandler(GetPromptRequestSchema, (request, extra) => downstream.getPrompt(request.params, { signal: extra.signal }));
    downstream.setNotificationHandler(PromptListChangedNotificationSchema, () => server.sendPromptListChanged());
  }
}
