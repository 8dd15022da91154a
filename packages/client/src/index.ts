// Public API of @pulsejet/client: Producer, PushConsumer, PullConsumer and RxJS streams over the
// RocketMQ 4.x remoting protocol. Explicit names only (STYLE.md habit 2).
export { ClientError, ClientErrorCode } from './errors';
