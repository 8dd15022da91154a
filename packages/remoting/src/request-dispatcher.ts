// Turns incoming requests into responses for BOTH transports (TCP and in-process), so they behave
// identically (Java NettyRemotingAbstract.processRequestCommand). Rules, all from reference §2:
//  - every request gets an answer unless it is oneway-flagged (ali-ons closes the whole channel on a
//    timeout, and never sets the oneway bit even for its "oneway" sends, so those are answered too);
//  - requests run concurrently and finish in any order; responses are matched by opaque;
//  - unknown code -> REQUEST_CODE_NOT_SUPPORTED; full processor -> SYSTEM_BUSY at once;
//    processor throws -> SYSTEM_ERROR with its message, and the connection stays up.
import * as protocol from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import { ConcurrencyLimiter } from './concurrency-limiter';
import type { RemotingLog } from './log';
import type { ProcessorOptions, RequestContext, RequestProcessor } from './transport';

// Bound once at load: under CommonJS every use of an imported name is a module-export getter call;
// answer() made two per request (about 2% of a remoting server's CPU in bench:remoting's 64-in-flight load).
const { RemotingCommandFlag, ResponseCode, createResponse, isOneway, isResponse } = protocol;

/** Requests of one processor running at once (Java runs each processor on a small thread pool). */
export const DEFAULT_PROCESSOR_MAX_CONCURRENCY = 64;
/** Requests of one processor waiting for a slot; beyond this SYSTEM_BUSY is answered at once. */
export const DEFAULT_PROCESSOR_MAX_QUEUED = 1024;

export function resolveProcessorOptions(options: ProcessorOptions = {}): Required<ProcessorOptions> {
  const resolved = {
    maxConcurrency: options.maxConcurrency ?? DEFAULT_PROCESSOR_MAX_CONCURRENCY,
    maxQueued: options.maxQueued ?? DEFAULT_PROCESSOR_MAX_QUEUED,
  };
  if (!Number.isInteger(resolved.maxConcurrency) || resolved.maxConcurrency < 1) {
    throw new RangeError(`maxConcurrency must be an integer >= 1, got ${resolved.maxConcurrency}`);
  }
  if (!Number.isInteger(resolved.maxQueued) || resolved.maxQueued < 0) {
    throw new RangeError(`maxQueued must be an integer >= 0, got ${resolved.maxQueued}`);
  }
  return resolved;
}

/** The side of a channel the dispatcher needs: who asked, and how to send the answer back. */
export interface DispatchTarget {
  readonly context: RequestContext;
  readonly remoteAddress: string;
  /** Sends a response; never throws (a closed channel drops it). */
  respond(response: RemotingCommand): void;
}

interface Registration {
  processor: RequestProcessor;
  limiter: ConcurrencyLimiter;
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RequestDispatcher {
  private readonly processors = new Map<number, Registration>();
  private defaultRegistration: Registration | undefined;

  constructor(private readonly log: RemotingLog) {}

  /** Registers (or replaces) the processor for `code`. */
  register(code: number, processor: RequestProcessor, options?: ProcessorOptions): void {
    this.processors.set(code, this.registration(processor, options));
  }

  registerDefault(processor: RequestProcessor, options?: ProcessorOptions): void {
    this.defaultRegistration = this.registration(processor, options);
  }

  /** Handles one request from `target`. Never throws; the answer (if any) goes to target.respond. */
  dispatch(request: RemotingCommand, target: DispatchTarget): void {
    const registration = this.processors.get(request.code) ?? this.defaultRegistration;
    if (registration === undefined) {
      this.answer(request, target, createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `request code ${request.code} not supported`));
      return;
    }
    const accepted = registration.limiter.tryRunWith(this.run, registration.processor, request, target);
    if (!accepted) {
      const { limiter } = registration;
      this.answer(
        request,
        target,
        createResponse(
          request,
          ResponseCode.SYSTEM_BUSY,
          `[OVERLOAD] system busy: request code ${request.code} has ${limiter.active} running and ${limiter.queued} queued; retry later`,
        ),
      );
    }
  }

  private registration(processor: RequestProcessor, options?: ProcessorOptions): Registration {
    const { maxConcurrency, maxQueued } = resolveProcessorOptions(options);
    return { processor, limiter: new ConcurrencyLimiter(maxConcurrency, maxQueued) };
  }

  // Returns the processor's promise (so the limiter holds the slot until it settles) or nothing
  // when it answered synchronously: no promise is allocated on the synchronous path.
  private readonly run = (processor: RequestProcessor, request: RemotingCommand, target: DispatchTarget): PromiseLike<void> | void => {
    let result: ReturnType<RequestProcessor>;
    try {
      result = processor(request, target.context);
    } catch (error) {
      this.failed(request, target, error);
      return;
    }
    if (isPromiseLike<RemotingCommand | undefined>(result)) {
      return result.then(
        (response) => this.finished(request, target, response),
        (error: unknown) => this.failed(request, target, error),
      );
    }
    this.finished(request, target, result);
  };

  private finished(request: RemotingCommand, target: DispatchTarget, response: RemotingCommand | undefined): void {
    if (response === undefined) {
      if (isOneway(request)) return;
      this.log('warn', `processor for request code ${request.code} from ${target.remoteAddress} returned no response; answering SYSTEM_ERROR`);
      this.answer(request, target, createResponse(request, ResponseCode.SYSTEM_ERROR, `processor for request code ${request.code} returned no response`));
      return;
    }
    this.answer(request, target, response);
  }

  private failed(request: RemotingCommand, target: DispatchTarget, error: unknown): void {
    const message = errorMessage(error);
    this.log('warn', `processor for request code ${request.code} from ${target.remoteAddress} failed: ${message}`);
    this.answer(request, target, createResponse(request, ResponseCode.SYSTEM_ERROR, message));
  }

  private answer(request: RemotingCommand, target: DispatchTarget, response: RemotingCommand): void {
    if (isOneway(request)) {
      if (response.code !== ResponseCode.SUCCESS) {
        this.log('debug', `oneway request code ${request.code} from ${target.remoteAddress} got code ${response.code} (${response.remark ?? ''}); not answered`);
      }
      return;
    }
    // A processor that built its own response must still echo what the peer matches on (opaque),
    // mark it a response, and keep the request's header encoding (ali-ons can't read type 1).
    if (response.opaque !== request.opaque || !isResponse(response) || response.serializeType !== request.serializeType) {
      // extFields named: decoded and prepared commands keep them behind an accessor, which a spread leaves out.
      response = { ...response, extFields: response.extFields, opaque: request.opaque, flag: response.flag | RemotingCommandFlag.RESPONSE, serializeType: request.serializeType };
    }
    target.respond(response);
  }
}
