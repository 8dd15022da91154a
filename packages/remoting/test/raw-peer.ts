// A raw TCP peer for tests that need to send bytes no well-behaved client would: it writes what it
// is given and decodes whatever comes back.
import * as net from 'node:net';
import { FrameDecoder } from '@pulsejet/protocol';
import type { RemotingCommand } from '@pulsejet/protocol';
import { parseAddress } from '../src';

export class RawPeer {
  readonly received: RemotingCommand[] = [];
  /** Resolves when the socket has closed (whoever closed it). */
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly decoder = new FrameDecoder();

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // resets are expected when the server drops us
    socket.on('data', (chunk: Buffer) => {
      try {
        this.received.push(...this.decoder.push(chunk));
      } catch {
        // Not our concern here: only the server's behaviour is under test.
      }
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
  }

  static connect(address: string): Promise<RawPeer> {
    const { host, port } = parseAddress(address);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawPeer(socket));
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Waits for the socket to close, failing after `timeoutMs`. */
  async waitClosed(timeoutMs = 3000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the server did not close the connection within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
