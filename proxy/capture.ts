/**
 * A bounded copy of a body that streams past: the first `cap` bytes are kept for the judge,
 * the rest only counted, so a large upload or answer costs the proxy at most `cap` bytes.
 */
import { captured, type CapturedBody } from '../traffic/message.js';

export class BoundedCopy {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;

  constructor(readonly cap: number) {}

  push(chunk: Buffer): void {
    this.seen += chunk.length;
    if (this.kept >= this.cap) return;
    const part = chunk.length > this.cap - this.kept ? chunk.subarray(0, this.cap - this.kept) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }

  get length(): number {
    return this.seen;
  }

  get full(): boolean {
    return this.seen > this.cap;
  }

  body(): CapturedBody {
    return captured(new Uint8Array(Buffer.concat(this.chunks, this.kept)), this.seen);
  }

  /** What was kept, as one buffer (strict mode forwards it). */
  buffer(): Buffer {
    return Buffer.concat(this.chunks, this.kept);
  }
}
