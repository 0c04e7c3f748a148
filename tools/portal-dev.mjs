#!/usr/bin/env node
// The web console's development server: Vite on PORTAL_PORT (default 4200) serving apps/portal
// from source, passing /api/, /c/, /service/ and /v2/ on to a running Wharf (WHARF_API_URL, default
// http://127.0.0.1:8080; REGISTRY_URL for /v2/ when it is not behind the same address).
import { createServer } from 'vite';
import { portalConfig } from '../apps/portal/vite.config.mjs';

const port = Number(process.env.PORTAL_PORT ?? 4200);
const coreUrl = process.env.WHARF_API_URL ?? `http://127.0.0.1:${process.env.CORE_PORT ?? 8080}`;
const registryUrl = process.env.REGISTRY_URL ?? coreUrl;
const config = portalConfig({ coreUrl, registryUrl });
const server = await createServer({ ...config, configFile: false, server: { ...config.server, port } });
await server.listen();
console.log(`[portal] console on http://127.0.0.1:${port}/ (API from ${coreUrl})`);
