import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { RegistryConfig } from '../config';

const LEVELS: Record<RegistryConfig['logLevel'], LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Nest's own start-up chatter (one line per route, per worker) is debug detail, not operations news. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

export class RegistryLogger extends ConsoleLogger {
  private readonly showFramework: boolean;

  constructor(level: RegistryConfig['logLevel']) {
    super('registry', { logLevels: LEVELS[level], colors: process.stdout.isTTY === true });
    this.showFramework = level === 'debug';
  }

  override log(message: unknown, context?: string): void {
    if (!this.showFramework && context && FRAMEWORK_CONTEXTS.has(context)) return;
    super.log(message, context);
  }
}
