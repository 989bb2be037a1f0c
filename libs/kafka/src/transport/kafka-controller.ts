import { Catch, Controller, UseFilters, applyDecorators, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter logs a handler's error and replaces it with "Internal server error". A
 * Kafka handler's error goes back to the transport as it was thrown, which retries the batch and logs
 * the error with the batch it belongs to.
 */
@Catch()
class RethrowHandlerErrors implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** A controller of `@EventPattern` Kafka handlers (run by KafkaTransport). */
export function KafkaController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(new RethrowHandlerErrors()));
}
