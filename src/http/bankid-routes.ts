// Swedish BankID's HTTP additions as one plugin for buildApp's extraPlugins: the page step's
// endpoints (no API key, browser binding) and the headless QR (API key), each in its own scope.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './deps.js';
import { bankIdFlowRoutes } from './bankid-flow-routes.js';
import { bankIdQrApi } from './bankid-qr-api.js';

export async function bankIdRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  await app.register(async (scope) => bankIdFlowRoutes(scope, deps));
  await app.register(async (scope) => bankIdQrApi(scope, deps));
}
