/**
 * Client navigation (Fresh's partials): below an element with
 * `f-client-nav`, a click on a same-site link (or a `f-partial` button) and
 * a form submission fetch the new page with `?fresh-partial=true`, and each
 * `<Partial>` of the answer replaces (or is appended or prepended to) the
 * partial of the same name here; islands in the new content hydrate, islands
 * elsewhere keep their state. Back and forward do the same. An answer with
 * no partial of this page loads it for real.
 */
import { render } from "preact";
import type { hydrateIslands, PageData } from "./client.ts";

// Handed over by the page's script rather than imported: the runtime then
// stays one file, which pages without client navigation load alone.
let hydrate: typeof hydrateIslands;

const PARTIAL_PARAM = "fresh-partial";
const START = /^frsh-partial:(replace|append|prepend):(.*)$/;

interface Found {
  mode: string;
  start: Comment;
  end: Comment;
  /** The partial this one sits in, if any. */
  parent: Found | null;
}

/** The partials of `doc`, by name, outermost first. */
function partialsOf(doc: Document): Map<string, Found> {
  const found = new Map<string, Found>();
  const open: Found[] = [];
  const walker = doc.createTreeWalker(doc, NodeFilter.SHOW_COMMENT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node as Comment).data;
    const start = START.exec(text);
    if (start) {
      open.push({
        mode: start[1],
        start: node as Comment,
        end: node as Comment,
        parent: open.at(-1) ?? null,
      });
    } else if (text.startsWith("/frsh-partial:")) {
      const partial = open.pop();
      if (!partial) continue;
      partial.end = node as Comment;
      found.set(text.slice("/frsh-partial:".length), partial);
    }
  }
  return found;
}

function between(partial: Found): Node[] {
  const nodes: Node[] = [];
  for (
    let n = partial.start.nextSibling;
    n && n !== partial.end;
    n = n.nextSibling
  ) {
    nodes.push(n);
  }
  return nodes;
}

function unmountIslands(nodes: Node[]): void {
  for (const node of nodes) {
    if (!(node instanceof Element)) continue;
    const roots = [...node.querySelectorAll("frsh-island")];
    if (node.localName === "frsh-island") roots.push(node);
    for (const root of roots) render(null, root);
  }
}

function mergeHead(doc: Document): void {
  if (doc.title) document.title = doc.title;
  for (const el of doc.head.querySelectorAll("style[id], link, style, meta")) {
    const same = el.id ? document.getElementById(el.id) : null;
    if (same) {
      if (same.outerHTML !== el.outerHTML) {
        same.replaceWith(document.importNode(el, true));
      }
    } else if (![...document.head.children].some((c) => c.isEqualNode(el))) {
      document.head.append(document.importNode(el, true));
    }
  }
}

/**
 * Puts the partials of `doc` into this page and starts hydrating the islands
 * they bring; false when it has none of this page's.
 */
function applyPartials(doc: Document): boolean {
  const incoming = partialsOf(doc);
  const here = partialsOf(document);
  const names = new Map([...incoming].map(([name, p]) => [p, name]));
  const inserted: Node[] = [];
  let applied = false;
  for (const [name, partial] of incoming) {
    const target = here.get(name);
    // A partial inside one that is put in here comes along with it.
    let outer = partial.parent;
    while (outer && !here.has(names.get(outer)!)) outer = outer.parent;
    if (!target || outer) continue;
    applied = true;
    const nodes = between(partial).map((n) => document.importNode(n, true));
    if (partial.mode === "replace") {
      const old = between(target);
      unmountIslands(old);
      for (const n of old) n.parentNode?.removeChild(n);
    }
    const parent = target.end.parentNode!;
    const before = partial.mode === "prepend"
      ? target.start.nextSibling
      : target.end;
    for (const n of nodes) parent.insertBefore(n, before);
    inserted.push(...nodes);
  }
  if (!applied) return false;
  mergeHead(doc);
  const script = doc.getElementById("__FRSH_STATE");
  if (script) {
    const data = JSON.parse(script.textContent!) as PageData;
    const modules = Object.fromEntries(
      Object.entries(data.m).map(([i, url]) => [i, import(url)]),
    );
    const page = { data, modules, doc, refs: new Map() };
    void (async () => {
      for (const node of inserted) {
        if (node instanceof Element) await hydrate(node, page);
      }
    })();
  }
  return true;
}

function enabled(el: Element): boolean {
  const owner = el.closest("[f-client-nav]");
  return owner !== null && owner.getAttribute("f-client-nav") !== "false";
}

/** Fetches `url` for its partials and puts them into this page. */
async function navigate(
  url: URL,
  init: RequestInit = {},
  history: "push" | "none" = "push",
  shown: URL = url,
): Promise<void> {
  const request = new URL(url);
  request.searchParams.set(PARTIAL_PARAM, "true");
  const res = await fetch(request, init);
  const doc = new DOMParser().parseFromString(await res.text(), "text/html");
  if (!applyPartials(doc)) {
    location.href = shown.href;
    return;
  }
  if (history === "push") {
    const final = res.redirected ? new URL(res.url) : shown;
    final.searchParams.delete(PARTIAL_PARAM);
    if (final.href !== location.href) {
      globalThis.history.pushState({}, "", final);
    }
  }
  shownPage = location.pathname + location.search;
}

// The page on screen, so that going back to an anchor of it fetches nothing.
let shownPage = "";

function onClick(event: MouseEvent): void {
  if (
    event.defaultPrevented || event.button !== 0 || event.metaKey ||
    event.ctrlKey || event.shiftKey || event.altKey
  ) return;
  const el = (event.target as Element | null)?.closest?.("a, button");
  if (!el || !enabled(el)) return;
  const partial = el.getAttribute("f-partial");
  if (el instanceof HTMLAnchorElement) {
    if (!el.href || (el.target && el.target !== "_self") || el.download) return;
    const href = new URL(el.href);
    if (href.origin !== location.origin) return;
    if (
      !partial && href.hash && href.pathname === location.pathname &&
      href.search === location.search
    ) return; // An anchor on this page: the browser scrolls.
    event.preventDefault();
    void navigate(
      partial ? new URL(partial, location.href) : href,
      {},
      "push",
      href,
    );
  } else if (partial && (el as HTMLButtonElement).type !== "submit") {
    event.preventDefault();
    void navigate(new URL(partial, location.href), {}, "none");
  }
}

function onSubmit(event: SubmitEvent): void {
  const form = event.target as HTMLFormElement;
  if (event.defaultPrevented || !enabled(form)) return;
  const submitter = event.submitter as HTMLButtonElement | null;
  const partial = submitter?.getAttribute("f-partial") ??
    form.getAttribute("f-partial");
  const action = new URL(
    partial ?? submitter?.getAttribute("formaction") ?? form.action,
    location.href,
  );
  const method = (submitter?.getAttribute("formmethod") ?? form.method)
    .toUpperCase();
  const data = new FormData(form, submitter);
  event.preventDefault();
  if (method === "GET") {
    action.search = new URLSearchParams(
      data as unknown as Record<string, string>,
    ).toString();
    void navigate(action, {}, partial ? "none" : "push");
  } else {
    void navigate(action, { method, body: data }, "none");
  }
}

let installed = false;

/** Starts client navigation on this page (once); `hydrateIslands` comes from the runtime. */
export function nav(hydrateIslands: typeof hydrate): void {
  if (installed) return;
  installed = true;
  hydrate = hydrateIslands;
  shownPage = location.pathname + location.search;
  document.addEventListener("click", onClick);
  document.addEventListener("submit", onSubmit);
  addEventListener("popstate", () => {
    if (location.pathname + location.search === shownPage) return;
    void navigate(new URL(location.href), {}, "none");
  });
}
