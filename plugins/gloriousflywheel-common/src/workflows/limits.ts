/**
 * Largest workflow, local action or exception register file read as YAML. GitHub itself refuses
 * workflow files over 512 KiB, so nothing real is lost; above it parsing alone could stall a scan.
 */
export const MAX_WORKFLOW_FILE_BYTES = 512 * 1024;

/**
 * UTF-8 size of `text`, counting no further than just past `limit` (so a huge input costs no more
 * than a small one). Isomorphic: no Buffer, no TextEncoder allocation.
 */
export function utf8ByteLength(text: string, limit = Infinity): number {
  // Each UTF-16 unit is 1 to 3 UTF-8 bytes, so the length alone often decides.
  if (text.length > limit) return text.length;
  if (text.length * 3 <= limit) {
    let ascii = true;
    for (let i = 0; i < text.length && ascii; i++)
      ascii = text.charCodeAt(i) < 0x80;
    if (ascii) return text.length;
  }
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one 4-byte code point.
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** `512 KiB`, `1 MiB`: how limits are written in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0)
    return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Why `text` is refused, or undefined when it is within `limit`: names the size and the limit,
 * e.g. `File too large to analyse: 614400 bytes, over the 512 KiB limit`.
 */
export function fileTooLarge(
  text: string,
  limit: number = MAX_WORKFLOW_FILE_BYTES,
): string | undefined {
  if (utf8ByteLength(text, limit) <= limit) return undefined;
  return `File too large to analyse: ${utf8ByteLength(
    text,
  )} bytes, over the ${formatBytes(limit)} limit`;
}
