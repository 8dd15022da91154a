// The TCP client's connect timeout, on loopback only. Unroutable addresses are refused at once in
// this sandbox, so the test makes a listener that never completes a handshake: a child process
// listens with a backlog of 1 and is then stopped (SIGSTOP), so nothing accepts; once its accept
// queue is full, Linux drops further SYNs and a connect just waits, like one to a dead host.
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { createInterface } from 'node:readline';
import { createRequest } from '@pulsejet/protocol';
import { RemotingError, TcpRemotingClient } from '../src';

const LISTENER = `
const server = require('node:net').createServer();
server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => process.stdout.write(server.address().port + '\\n'));
`;

function startListener(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', LISTENER], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the listener child printed no port within 10 s: ${output.join('')}`)), 10_000);
    // Only a line that is a port counts (the child writes a plain string: console.log would colour a
    // number under the runner's FORCE_COLOR).
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (!/^\d+$/.test(line.trim())) return;
      clearTimeout(timer);
      resolve({ child, port: Number(line.trim()) });
    });
    child.once('error', reject);
  });
}

/** Connects raw sockets until one stays pending: the accept queue is then full. */
async function fillAcceptQueue(port: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let attempt = 0; attempt < 64; attempt++) {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    sockets.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 500);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) return sockets;
  }
  throw new Error('64 connections completed without the accept queue filling up');
}

describe('TcpRemotingClient connect timeout', () => {
  let listener: { child: ChildProcess; port: number } | undefined;
  let sockets: net.Socket[] = [];

  afterEach(() => {
    for (const socket of sockets) socket.destroy();
    sockets = [];
    if (listener) {
      listener.child.kill('SIGCONT');
      listener.child.kill('SIGKILL');
      listener = undefined;
    }
  });

  it('fails a request with CONNECT_FAILED when the handshake never completes, and the client stays usable', async () => {
    listener = await startListener();
    listener.child.kill('SIGSTOP');
    sockets = await fillAcceptQueue(listener.port);

    const client = new TcpRemotingClient({ connectTimeoutMs: 300 });
    try {
      const error: unknown = await client.request(`127.0.0.1:${listener.port}`, createRequest(0, {}), 10_000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RemotingError);
      expect((error as RemotingError).code).toBe('CONNECT_FAILED');
      expect((error as RemotingError).message).toMatch(/no connection within 300 ms/);

      // A second attempt tries again (no cached failed channel) and times out the same way.
      const again: unknown = await client.oneway(`127.0.0.1:${listener.port}`, createRequest(0, {})).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((again as RemotingError).code).toBe('CONNECT_FAILED');
    } finally {
      await client.close();
    }
  }, 30_000);
});
