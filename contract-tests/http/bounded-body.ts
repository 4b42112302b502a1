/**
 * Reads a body up to a cap and no further: an answer of any length costs at most `maxBytes`
 * of memory. Past the cap the source is cancelled (a node stream is destroyed, and with it
 * its socket), so a server that sends without end sends no more to us.
 */

export interface BoundedBody {
  /** The bytes read: the whole body, or its first `maxBytes` bytes. */
  bytes: Buffer;
  /** True when the body went on past `maxBytes` (it was cut there, and the rest not read). */
  truncated: boolean;
}

/**
 * Read `source` (a web ReadableStream, a node Readable, any async iterable of bytes) up to
 * `maxBytes`. Breaking out of the iteration cancels the source: nothing past the cap is read.
 */
export async function readBounded(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null | undefined, maxBytes: number): Promise<BoundedBody> {
  if (!source) return { bytes: Buffer.alloc(0), truncated: false };
  const chunks: Buffer[] = [];
  let length = 0;
  let truncated = false;
  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    const room = maxBytes - length;
    if (chunk.byteLength > room) {
      if (room > 0) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, room));
      length += Math.max(room, 0);
      truncated = true;
      break;
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    length += chunk.byteLength;
  }
  return { bytes: Buffer.concat(chunks, length), truncated };
}
