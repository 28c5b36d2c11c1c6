// The named answer shapes, shared by the route schemas by `$ref` and shown in the document under
// components.schemas. Fastify holds them (addSchema) so @fastify/swagger resolves the references.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Problem } from './problem.js';
import { Identity, QrCode, SessionList, SessionResult, SessionView, Signature } from './session.js';
import { WebhookAttempt, WebhookDelivery, WebhookDeliveryList, WebhookEndpoint, WebhookEndpointCreated, WebhookEndpointList, WebhookEvent, WebhookSecret } from './webhooks.js';
import { tidy, type JsonSchema } from './json-schema.js';

export const COMPONENTS = {
  Session: SessionView,
  SessionList,
  SessionResult,
  Identity,
  Signature,
  QrCode,
  WebhookEndpoint,
  WebhookEndpointCreated,
  WebhookEndpointList,
  WebhookSecret,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookAttempt,
  WebhookEvent,
  Problem,
} satisfies Record<string, z.ZodType>;

export type ComponentName = keyof typeof COMPONENTS;

// Strict in zod (tests hold real answers to them), open in the document: a client that rejects
// unknown fields would break on the next added one. References between them go by name (`$id`).
export function componentSchemas(): JsonSchema[] {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri: (id) => id, unrepresentable: 'any' });
  return Object.values(schemas).map((s) => tidy(s, { open: true }) as JsonSchema);
}

export function addComponentSchemas(app: FastifyInstance): void {
  for (const schema of componentSchemas()) app.addSchema(schema);
}
