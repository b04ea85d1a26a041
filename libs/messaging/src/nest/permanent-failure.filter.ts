import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseRpcExceptionFilter, RpcException } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { PermanentFailure, classifyFailure } from '../error-class';

/**
 * Nest's RPC exception filter turns every error but an RpcException into "Internal server error",
 * which the worker would retry thirty times. This one hands a permanent failure (a payload that fails
 * its schema, a stack overflow on a deep input...) over as a PermanentFailure, so the worker parks the
 * message at once with the real reason; other errors keep Nest's handling.
 */
@Catch()
export class PermanentFailureFilter extends BaseRpcExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<unknown> {
    const failure = classifyFailure(exception);
    const classified = failure.permanent && !(exception instanceof RpcException) ? new PermanentFailure(failure.reason, failure.error) : exception;
    return super.catch(classified, host);
  }
}
