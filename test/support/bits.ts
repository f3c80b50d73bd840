/**
 * Bit-for-bit comparison of typed arrays: the bytes of each array's own view (not of the ArrayBuffer behind it, which
 * may be shared by several columns or hold a whole file), and never of two empty arrays, which would prove nothing.
 */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** True when both arrays are non-empty and hold the same bytes. */
export function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.byteLength > 0 && bytesOf(a).equals(bytesOf(b));
}
