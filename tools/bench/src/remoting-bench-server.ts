// The server side of the remoting benchmark, run as a child process so client and server each get
// a core, as a broker and its clients would: the bare echo server and a Pulsejet TcpRemotingServer
// answering one code by echoing the body. Tells the parent its ports over IPC, exits on 'stop'.
import * as protocol from '@pulsejet/protocol';
import { TcpRemotingServer } from '@pulsejet/remoting';
import { BENCH_ECHO_CODE } from './remoting-bench-config';
import { startEchoServer } from './remoting-bench-echo';

// Bound once, as the broker's processors bind theirs: under CommonJS each use of an imported name is
// a getter call, which would be charged to the transport's CPU per round trip.
const { ResponseCode, createResponse } = protocol;

export interface RemotingBenchServerReady {
  kind: 'ready';
  echoPort: number;
  remotingAddress: string;
}

async function main(): Promise<void> {
  const echo = await startEchoServer();
  const remoting = new TcpRemotingServer({ log: (level, message) => process.stderr.write(`[bench server] ${level}: ${message}\n`) });
  remoting.registerProcessor(BENCH_ECHO_CODE, (request) => createResponse(request, ResponseCode.SUCCESS, undefined, {}, request.body));
  await remoting.start();
  const address = echo.address();
  const ready: RemotingBenchServerReady = {
    kind: 'ready',
    echoPort: typeof address === 'object' && address !== null ? address.port : 0,
    remotingAddress: remoting.address(),
  };
  process.send?.(ready);
  process.on('message', (message: unknown) => {
    if (message === 'stop') {
      void remoting.close().then(() => {
        echo.close();
        // process.exit, not a natural end: --cpu-prof writes its profile on exit either way.
        process.exit(0);
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
