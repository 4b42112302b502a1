/**
 * A server's bytes are data: control characters (but tab and newline) and the Unicode
 * characters that reorder or hide text (bidi embeddings, overrides and isolates, directional
 * marks) are shown as `\uXXXX` in everything the suite writes for people or tools: the
 * console, JUnit, HTML, reproduction scripts. Noncharacters XML 1.0 forbids go the same way.
 * The JSON report is escaped the same way, which there is JSON's own `\uXXXX` syntax: it
 * parses back to what the server sent.
 */

/** C0 controls but \t and \n, DEL, C1 controls, bidi marks/embeddings/overrides/isolates, U+FFFE/U+FFFF, lone surrogates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const code = (c: string) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

/**
 * Text with every unsafe character shown as `\uXXXX`. In JSON text (where such characters
 * only sit inside strings) that is JSON's own escape: the JSON report parses back to the data.
 */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, code);
}
