// Vite settings of the web console, shared by the production build (tools/build-portal.mjs) and
// the development server that `npm start` runs in front of core.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function portalConfig({ outDir = resolve(here, '../../dist/apps/portal'), coreUrl, registryUrl } = {}) {
  return {
    root: here,
    base: '/',
    publicDir: join(here, 'public'),
    logLevel: 'warn',
    clearScreen: false,
    oxc: { jsx: { runtime: 'automatic' } },
    build: {
      outDir,
      emptyOutDir: true,
      // Hashed file names under /assets/ are what the gateway caches for a year.
      assetsDir: 'assets',
      sourcemap: false,
      chunkSizeWarningLimit: 1500,
      modulePreload: { polyfill: false },
      rollupOptions: {
        // antd marks its modules "use client" for React server components; meaningless in a browser bundle.
        onwarn(warning, warn) {
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
        },
      },
    },
    server: {
      host: '127.0.0.1',
      strictPort: true,
      proxy: coreUrl
        ? {
            '/api/': { target: coreUrl },
            '/c/': { target: coreUrl },
            '/service/': { target: coreUrl },
            ...(registryUrl ? { '/v2/': { target: registryUrl } } : {}),
          }
        : undefined,
    },
  };
}
