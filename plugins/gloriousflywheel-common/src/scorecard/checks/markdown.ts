/** One Markdown block the checks read: a paragraph of prose or a fenced code block. */
export interface MarkdownBlock {
  kind: 'paragraph' | 'code';
  /** 1-based line of the block's first text line. */
  line: number;
  /** The block's lines (a code block without its fences). */
  lines: string[];
  /** The headings above the block, outermost first. */
  headings: string[];
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const SETEXT = /^\s{0,3}(=+|-+)\s*$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$/;

/**
 * Splits Markdown into paragraphs and fenced code blocks, with the headings each sits under.
 * Headings, blank lines, tables, HTML comments and link-reference definitions end a paragraph and
 * are not part of one; list items start a new paragraph.
 */
export function markdownBlocks(lines: readonly string[]): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  const headings: string[] = [];
  let current: MarkdownBlock | undefined;
  let fence: string | undefined;
  let inComment = false;
  let inTable = false;
  const close = () => {
    if (current) blocks.push(current);
    current = undefined;
  };
  const setHeading = (level: number, text: string) => {
    headings.length = level - 1;
    while (headings.length < level - 1) headings.push('');
    headings.push(text);
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (fence !== undefined) {
      if (
        text.trim().startsWith(fence) &&
        text.trim().replace(/[`~]/g, '') === ''
      ) {
        fence = undefined;
        close();
      } else current!.lines.push(text);
      continue;
    }
    const open = FENCE.exec(text);
    if (open) {
      close();
      fence = open[1];
      current = {
        kind: 'code',
        line: i + 2,
        lines: [],
        headings: [...headings.filter(Boolean)],
      };
      continue;
    }
    if (inComment) {
      if (text.includes('-->')) inComment = false;
      continue;
    }
    if (text.trimStart().startsWith('<!--')) {
      close();
      inComment = !text.includes('-->');
      continue;
    }
    if (inTable) {
      if (text.trim() === '') inTable = false;
      continue;
    }
    if (TABLE_DELIMITER.test(text)) {
      // the line above was the table's header row, not prose
      if (
        current?.kind === 'paragraph' &&
        current.lines[current.lines.length - 1].includes('|')
      ) {
        current.lines.pop();
        if (current.lines.length === 0) current = undefined;
      }
      close();
      inTable = true;
      continue;
    }
    const heading = HEADING.exec(text);
    if (heading) {
      close();
      setHeading(heading[1].length, heading[2]);
      continue;
    }
    if (current && current.kind === 'paragraph' && SETEXT.exec(text)) {
      // the paragraph was a heading
      const title = current.lines.join(' ').trim();
      current = undefined;
      setHeading(text.trim().startsWith('=') ? 1 : 2, title);
      continue;
    }
    const trimmed = text.trim();
    if (
      trimmed === '' ||
      trimmed.startsWith('|') ||
      /^\[[^\]]+\]:\s/.test(trimmed) ||
      /^(?:[-*_]\s*){3,}$/.test(trimmed)
    ) {
      close();
      continue;
    }
    if (/^\s*(?:[-*+]|\d+[.)])\s+/.test(text)) close();
    if (!current) {
      current = {
        kind: 'paragraph',
        line: i + 1,
        lines: [],
        headings: [...headings.filter(Boolean)],
      };
    }
    current.lines.push(text);
  }
  close();
  return blocks;
}
