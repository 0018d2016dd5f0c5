import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ValidationError } from '@app/domain';

/** A refused scenario or body is the caller's mistake: 400 with every path-named problem, never a 500. */
@Catch(ValidationError)
export class ValidationErrorFilter implements ExceptionFilter {
  catch(error: ValidationError, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(400)
      .json({ statusCode: 400, error: 'Bad Request', message: error.message, issues: error.issues });
  }
}
