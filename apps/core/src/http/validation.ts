import { ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest } from './harbor-error';

/** "metadata.public must be one of ..." for every failed constraint, nested ones included. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      // class-validator names the bare property; the full path says which nested field it was.
      messages.push(parent && message.startsWith(error.property) ? `${parent}.${message}` : message);
    }
    if (error.children?.length) messages.push(...describeValidationErrors(error.children, path));
  }
  return messages;
}

/**
 * Request bodies as Harbor reads them: fields it does not know are dropped (clients send back
 * what GET answered, or fields of newer or older Harbor versions such as a robot's `editable`),
 * while a known field of the wrong type is refused (400) rather than converted.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const messages = describeValidationErrors(errors);
      return badRequest(messages.length > 0 ? messages.join('; ') : 'invalid request body');
    },
  });
}
