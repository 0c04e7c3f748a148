import { ConsoleLogger, LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '../config';

const LEVELS: Record<LogLevel, NestLogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Nest's start-up listing of every module and route is debug detail, not operations news. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

export class CoreLogger extends ConsoleLogger {
  private readonly showFramework: boolean;

  constructor(level: LogLevel) {
    super('core', { logLevels: LEVELS[level], colors: process.stdout.isTTY === true });
    this.showFramework = level === 'debug';
  }

  override log(message: unknown, context?: string): void {
    if (!this.showFramework && context && FRAMEWORK_CONTEXTS.has(context)) return;
    super.log(message, context);
  }
}
