/** The final HTML document around a rendered page. */
import {
  type ComponentChildren,
  isValidElement,
  toChildArray,
  type VNode,
} from "preact";

/**
 * The `<Head>` children of a page as Fresh keeps them: the last `<title>`,
 * the elements without `key` in order, then the last element of each `key`.
 */
export function headNodes(
  children: ComponentChildren[],
): { title: VNode | null; nodes: VNode[] } {
  let title: VNode | null = null;
  const nodes: VNode[] = [];
  const keyed = new Map<unknown, VNode>();
  for (const child of toChildArray(children)) {
    if (!isValidElement(child)) continue;
    if (child.type === "title") title = child;
    else if (child.key !== undefined && child.key !== null) {
      keyed.set(child.key, child);
    } else nodes.push(child);
  }
  return { title, nodes: [...nodes, ...keyed.values()] };
}

/** What goes into the document besides the rendered page. */
export interface DocumentParts {
  /** The rendered page: its body, or the whole `<html>` when `_app` renders it. */
  html: string;
  /** HTML for the end of `<head>`. */
  head: string;
  /** A `<title>` from `<Head>`, which replaces the one `_app` rendered. */
  title: string;
  /** HTML for the end of `<body>`. */
  body: string;
  /** `lang` of the default document. */
  lang: string;
}

const escapeAttribute = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/"/g, "&quot;");

/**
 * The final document: `html` as rendered (a whole `<html>` document when
 * `_app` renders one, else wrapped in a default one with `lang`), with the
 * extra head and body HTML merged in.
 */
export function assembleDocument(parts: DocumentParts): string {
  const { html, head, title, body } = parts;
  if (!/^<html[\s>]/i.test(html)) {
    return `<!DOCTYPE html><html lang="${escapeAttribute(parts.lang)}">` +
      `<head><meta charset="utf-8"/>` +
      `<meta name="viewport" content="width=device-width, initial-scale=1.0"/>` +
      `${title}${head}</head><body>${html}${body}</body></html>`;
  }
  let doc = html;
  let headEnd = doc.indexOf("</head>");
  if (title && headEnd >= 0) {
    const own = /<title[\s>][\s\S]*?<\/title>/i.exec(doc.slice(0, headEnd));
    doc = own
      ? doc.slice(0, own.index) + title + doc.slice(own.index + own[0].length)
      : doc.slice(0, headEnd) + title + doc.slice(headEnd);
    headEnd = doc.indexOf("</head>");
  }
  if (headEnd >= 0) {
    doc = doc.slice(0, headEnd) + head + doc.slice(headEnd);
  } else {
    const open = doc.indexOf(">") + 1;
    doc = `${doc.slice(0, open)}<head>${title}${head}</head>${doc.slice(open)}`;
  }
  const bodyEnd = doc.lastIndexOf("</body>");
  doc = bodyEnd >= 0
    ? doc.slice(0, bodyEnd) + body + doc.slice(bodyEnd)
    : doc.replace(/<\/html>$/, `${body}</html>`);
  return "<!DOCTYPE html>" + doc;
}
