import { parseTree, type Node } from 'jsonc-parser';
import { ConfigIssue } from './issues';

/**
 * The text range an issue refers to, for an editor diagnostic: the value at the issue's
 * pointer; the key itself for an unknown key; and, when the field is absent from the text
 * (its default was used), the nearest enclosing field that is there. Offsets are 0-based.
 */
export function issueRange(text: string, issue: ConfigIssue): { offset: number; length: number } {
  if (issue.location) return { offset: issue.location.offset, length: issue.location.length };
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return { offset: 0, length: 0 };
  let node: Node = root;
  let keyNode: Node | undefined;
  for (const seg of issue.pointer) {
    let next: Node | undefined;
    let nextKey: Node | undefined;
    if (node.type === 'object') {
      const prop = node.children?.find((p) => p.children?.[0]?.value === seg);
      nextKey = prop?.children?.[0];
      next = prop?.children?.[1];
    } else if (node.type === 'array' && /^\d+$/.test(seg)) {
      next = node.children?.[Number(seg)];
    }
    if (!next) break;
    node = next;
    keyNode = nextKey;
  }
  const target = issue.code === 'additionalProperties' && keyNode ? keyNode : keyNode && node.type === 'object' ? keyNode : node;
  return { offset: target.offset, length: target.length };
}
