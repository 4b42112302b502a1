/**
 * A failure while serving the API reference (/docs) other than a missing peer (a file that
 * cannot be read, say) is the server's own fault: a 500 in the envelope, like any step's.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../docs/index.js', async (original) => ({
  ...(await original<typeof import('../../docs/index.js')>()),
  serveDocs: async () => {
    throw new Error('EIO: i/o error, read');
  },
}));

const { startStub } = await import('../../stub/index.js');

describe('/docs failing', () => {
  it('is answered 500 internal_error in the envelope, with a request id', async () => {
    const stub = await startStub({ port: 0, log: false });
    try {
      const res = await fetch(`${new URL(stub.baseUrl).origin}/docs`);
      expect(res.status).toBe(500);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal_error');
    } finally {
      await stub.close();
    }
  });
});
